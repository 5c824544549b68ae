"""Isolation modes: what one invocation's state can and cannot do to the next."""
from __future__ import annotations

import pytest

from srcfn.emulator.fixtures import webhook

COUNTER = """
let calls = 0;
async function onRequest(request) {
  calls++;
  implicitTotal = (typeof implicitTotal === "undefined" ? 0 : implicitTotal) + 1;
  Segment.track({event: "E", userId: "u", properties: {calls, implicitTotal}});
}
"""


def counts(results):
    return [(r.calls[0]["properties"]["calls"], r.calls[0]["properties"]["implicitTotal"]) for r in results]


@pytest.mark.parametrize("isolation", ["scope", "context"])
def test_top_level_and_implicit_globals_do_not_leak(run_handler, isolation):
    results = run_handler(COUNTER, *[webhook({"i": i}) for i in range(3)], isolation=isolation, window=1)
    assert counts(results) == [(1, 1), (1, 1), (1, 1)]


def test_warm_mode_keeps_module_state(run_handler):
    results = run_handler(COUNTER, *[webhook({"i": i}) for i in range(3)], isolation="warm")
    assert counts(results) == [(1, 1), (2, 2), (3, 3)]


def test_concurrent_invocations_do_not_share_implicit_globals(run_handler):
    source = """
      async function onRequest(request) {
        mine = request.json().i;
        await new Promise((r) => setTimeout(r, 20));
        Segment.track({event: "E", userId: String(mine)});
      }
    """
    results = run_handler(source, *[webhook({"i": i}) for i in range(20)])
    assert [r.calls[0]["userId"] for r in results] == [str(i) for i in range(20)]


def test_warm_mode_attributes_calls_to_the_running_invocation(run_handler):
    source = """
      async function onRequest(request) {
        const i = request.json().i;
        await new Promise((r) => setTimeout(r, 5));
        Segment.track({event: "E", userId: String(i)});
      }
    """
    results = run_handler(source, *[webhook({"i": i}) for i in range(5)], isolation="warm")
    assert [r.calls for r in results] == [[{"type": "track", "event": "E", "userId": str(i)}] for i in range(5)]
