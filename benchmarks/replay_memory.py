"""Memory of `srcfn replay` over many payloads: resident set size sampled while it runs (Linux /proc).

    python benchmarks/replay_memory.py [--events 100000]

Runs the real command (`python -m srcfn replay yotpo FILE`) and samples the RSS of the Python process and of its
Node worker every 0.25 s. Flat memory means the RSS in the last quarter of the run is no higher than in the
first quarter (beyond noise), whatever the number of payloads.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.yotpo_payloads import write_ndjson  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        payloads = write_ndjson(Path(tmp) / "yotpo.ndjson", args.events)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "srcfn", "replay", "yotpo", str(payloads), "--workers", "1"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        samples = []
        while proc.poll() is None:
            node = sum(rss_mb(child) for child in children(proc.pid))
            samples.append((time.monotonic() - started, rss_mb(proc.pid), node))
            time.sleep(0.25)
        out = proc.stdout.read()
    elapsed = time.monotonic() - started
    samples = [s for s in samples if s[1] > 0 and s[2] > 0]
    quarter = max(1, len(samples) // 4)
    first, last = samples[:quarter], samples[-quarter:]
    print(out.splitlines()[0])
    print(f"{'t (s)':>6} {'python RSS (MB)':>16} {'node RSS (MB)':>14}")
    for t, py, node in samples[:: max(1, len(samples) // 10)]:
        print(f"{t:6.1f} {py:16.1f} {node:14.1f}")
    print(f"peak RSS: python {max(s[1] for s in samples):.1f} MB, node {max(s[2] for s in samples):.1f} MB "
          f"({args.events:,} events in {elapsed:.1f} s)")
    print(f"mean RSS first quarter -> last quarter: python {sum(s[1] for s in first) / len(first):.1f} -> "
          f"{sum(s[1] for s in last) / len(last):.1f} MB, node {sum(s[2] for s in first) / len(first):.1f} -> "
          f"{sum(s[2] for s in last) / len(last):.1f} MB")


if __name__ == "__main__":
    main()
