"""How `srcfn replay` scales with workers: events/s for 1, 2, 4, ... workers up to the machine's cores, and each
rate against one worker, measured in one run on the same generated Yotpo webhooks.

    python benchmarks/replay_scaling.py [--events 150000]

Each figure is the median of three replays through the command's own code path (`srcfn.replay.replay`: byte
ranges, one process per range, contract checks against build/yotpo/tracking-plan.json), start-up included.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.yotpo_payloads import write_ndjson  # noqa: E402
from srcfn.emulator.contracts import TrackingPlan  # noqa: E402
from srcfn.emulator.runner import Options  # noqa: E402
from srcfn.replay import replay  # noqa: E402

HANDLER = ROOT / "build" / "yotpo" / "handler.js"
PLAN = ROOT / "build" / "yotpo" / "tracking-plan.json"


def rate(payloads: Path, workers: int, events: int) -> float:
    plan = TrackingPlan.load(PLAN)
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        tally = replay(HANDLER, payloads, Options(), plan, workers, lambda n: None)
        elapsed = time.perf_counter() - started
        assert tally.events == events and not tally.errors and not tally.violations and not tally.bad_lines
        rates.append(events / elapsed)
    return statistics.median(rates)


def counts(cores: int) -> list[int]:
    out, n = [], 1
    while n < cores:
        out.append(n)
        n *= 2
    return out + [cores]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=150_000)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        payloads = Path(tmp) / "yotpo.ndjson"
        write_ndjson(payloads, args.events)
        print(f"events: {args.events:,} generated Yotpo webhooks; machine: {cores} cores")
        base = None
        for workers in counts(cores):
            r = rate(payloads, workers, args.events)
            base = base or r
            print(f"--workers {workers:<3} {r:>10,.0f} events/s   {r / base:.2f}x one worker")


if __name__ == "__main__":
    main()
