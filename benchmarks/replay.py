"""Throughput of `srcfn replay` against a process-per-event baseline and the transport ceiling.

    python benchmarks/replay.py [--events 20000] [--baseline-sample 150]

All figures come from this one run, on the same generated Yotpo payloads, so their ratios compare like with
like on a noisy machine; each replay figure is the median of three. Replay runs the default isolation mode
("scope") with contract checks on.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.yotpo_payloads import write_ndjson  # noqa: E402
from srcfn.core.segment import worker_facts
from srcfn.emulator.contracts import TrackingPlan  # noqa: E402
from srcfn.emulator.node import find_node  # noqa: E402
from srcfn.emulator.runner import Options  # noqa: E402
from srcfn.emulator.transport import worker_script  # noqa: E402
from srcfn.replay import replay  # noqa: E402

HANDLER = ROOT / "build" / "yotpo" / "handler.js"
PLAN = ROOT / "build" / "yotpo" / "tracking-plan.json"


def replay_rate(handler: Path, payloads: Path, workers: int, plan: TrackingPlan | None, events: int) -> float:
    """Median events/s of three replays (the machine is noisy: +-20% from run to run)."""
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        summary = replay(handler, payloads, Options(), plan, workers, lambda n: None)
        elapsed = time.perf_counter() - started
        assert summary.events == events and not summary.errors and not summary.violations and not summary.bad_lines
        rates.append(events / elapsed)
    return statistics.median(rates)


def baseline_rate(payloads: Path, sample: int) -> float:
    """One `node` process per event: start the same worker, load the handler, run one invocation, exit."""
    source = HANDLER.read_text(encoding="utf-8")
    node = find_node()
    lines = payloads.read_text(encoding="utf-8").splitlines()[:sample]
    load = json.dumps({"op": "load", "source": source, "filename": str(HANDLER), "timeout_ms": 5000,
                       "facts": worker_facts()})
    started = time.perf_counter()
    for i, line in enumerate(lines):
        invoke = json.dumps({"op": "invoke", "id": i, "request": {"method": "POST", "headers": {}, "body": line}})
        out = subprocess.run([node, worker_script()], input=f"{load}\n{invoke}\n", capture_output=True, text=True, check=True)
        assert '"op":"result"' in out.stdout and '"error":null' in out.stdout, out.stdout
    return len(lines) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--baseline-sample", type=int, default=150)
    parser.add_argument("--compare", type=Path, help="another Yotpo handler (an earlier generator's) to replay alike")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        payloads = write_ndjson(Path(tmp) / "yotpo.ndjson", args.events)
        noop = Path(tmp) / "noop.js"
        noop.write_text("async function onRequest(request, settings) {}\n")
        plan = TrackingPlan.load(PLAN)
        replay_rate(HANDLER, payloads, 1, plan, args.events)  # warm-up: page cache, first node start
        one = replay_rate(HANDLER, payloads, 1, plan, args.events)
        two = replay_rate(HANDLER, payloads, 2, plan, args.events)
        ceiling = replay_rate(noop, payloads, 1, None, args.events)
        naive = baseline_rate(payloads, args.baseline_sample)
        other = replay_rate(args.compare, payloads, 1, plan, args.events) if args.compare else None
    print(f"events: {args.events} generated Yotpo webhooks (baseline: first {args.baseline_sample})")
    print(f"{'srcfn replay, 1 worker (scope isolation, contract checks)':<62} {one:>10,.0f} events/s")
    print(f"{'srcfn replay, 2 workers':<62} {two:>10,.0f} events/s")
    print(f"{'no-op handler through the same pipe (transport ceiling)':<62} {ceiling:>10,.0f} events/s")
    print(f"{'one node process per event (naive baseline)':<62} {naive:>10,.1f} events/s")
    print(f"ratio replay(1) / baseline:  {one / naive:,.0f}x   (goal >= 500x)")
    print(f"ratio replay(1) / ceiling:   {one / ceiling:.0%}    (goal >= 40%)")
    print(f"ratio replay(2) / replay(1): {two / one:.2f}")
    print(f"replay(1) >= 10,000 events/s: {'yes' if one >= 10_000 else 'NO'}")
    if other is not None:
        print(f"{'srcfn replay, 1 worker, ' + args.compare.name:<62} {other:>10,.0f} events/s")
        print(f"ratio replay(1) / replay(1) of {args.compare.name}: {one / other:.2f}")


if __name__ == "__main__":
    main()
