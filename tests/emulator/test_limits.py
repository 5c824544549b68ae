"""segment-runtime.md "Limits": payload size, time, memory, console output; runaway handlers are stopped
and the worker replaced without losing or misattributing any result."""
from __future__ import annotations

import time

import pytest

from srcfn.emulator.fixtures import webhook

TIMEOUT = 0.5
PASS = "async function onRequest(request) { Segment.track({event: 'ok', userId: String(request.json().n)}); }"


def runaway(body: str) -> str:
    """A handler that behaves for n != 0 and runs away for n == 0."""
    return f"""
      async function onRequest(request) {{
        const n = request.json().n;
        if (n === 0) {{ {body} }}
        Segment.track({{event: "ok", userId: String(n)}});
      }}
    """


def test_payload_limit_is_512_kib(one):
    body_at_limit = '"' + "a" * (512 * 1024 - 2) + '"'
    assert one("async function onRequest() {}", raw=body_at_limit).error is None
    r = one("async function onRequest() { console.log('ran'); }", raw=body_at_limit + " ")
    assert (r.error["type"], r.status, r.error["category"]) == ("PayloadTooLarge", 413, "Request Rejected")
    assert r.logs == []


@pytest.mark.parametrize("name,body,expected_type", [
    ("never settles", "await new Promise(() => {});", "Timeout"),
    ("sync loop", "while (true) {}", "Timeout"),
    ("loop after await", "await Promise.resolve(); await new Promise((r) => setTimeout(r, 1)); for (;;) {}", "Timeout"),
    ("memory blow-up", "const hoard = []; for (;;) hoard.push(new Array(1e6).fill(n));", "OutOfMemory"),
])
def test_runaways_are_stopped_in_time_and_the_rest_still_runs(run_handler, name, body, expected_type):
    fixtures = [webhook({"n": 1}), webhook({"n": 0}), webhook({"n": 2})]
    started = time.monotonic()
    results = run_handler(runaway(body), *fixtures, timeout=TIMEOUT, max_memory_mb=64)
    elapsed = time.monotonic() - started
    assert [r.calls[0]["userId"] if r.calls else None for r in results] == ["1", None, "2"]
    bad = results[1]
    assert bad.error["type"] == expected_type
    assert bad.error["category"] == "Retry"
    assert bad.status == (504 if expected_type == "Timeout" else 503)
    # Stopped within timeout + 1 s (the memory case is bounded by the heap limit, not the timeout).
    limit = TIMEOUT + 1.0 if expected_type == "Timeout" else 10.0
    assert bad.duration_ms / 1000 <= limit
    assert elapsed < 2 * TIMEOUT + 1.0 + (10 if expected_type == "OutOfMemory" else 0) + 2.0  # incl. worker starts


def test_timeout_message_names_the_limit(one):
    r = one("async function onRequest() { await new Promise(() => {}); }", {"timeout": 0.2})
    assert r.error["message"] == "the handler did not finish within 200 ms"


def test_a_blocked_loop_is_reported_as_a_timeout(one):
    r = one("async function onRequest() { while (true) {} }", {"timeout": 0.3})
    assert r.error["message"] == "the handler did not finish within 300 ms (its event loop was blocked; worker replaced)"


def test_late_timers_of_a_timed_out_invocation_do_not_leak(run_handler):
    # One at a time: n=0 times out at 300 ms; its timer would fire at 500 ms, while n=1 (300-550 ms) runs.
    source = """
      async function onRequest(request) {
        const n = request.json().n;
        if (n === 0) {
          setTimeout(() => Segment.track({event: "late", userId: "ghost"}), 500);
          await new Promise(() => {});
        }
        await new Promise((r) => setTimeout(r, 250));
        Segment.track({event: "ok", userId: String(n)});
      }
    """
    results = run_handler(source, webhook({"n": 0}), webhook({"n": 1}), timeout=0.3, window=1)
    assert (results[0].error["type"], results[0].calls) == ("Timeout", [])
    assert (results[1].error, results[1].calls) == (None, [{"type": "track", "event": "ok", "userId": "1"}])


def test_many_in_flight_with_a_runaway_in_the_middle(run_handler):
    fixtures = [webhook({"n": i}) for i in range(1, 40)] + [webhook({"n": 0})] + [webhook({"n": i}) for i in range(40, 80)]
    results = run_handler(runaway("while (true) {}"), *fixtures, timeout=0.3)
    assert [r.calls[0]["userId"] if r.calls else "runaway" for r in results] == \
        [str(i) for i in range(1, 40)] + ["runaway"] + [str(i) for i in range(40, 80)]


def test_console_output_is_captured_per_invocation(run_handler):
    source = """
      async function onRequest(request) {
        const n = request.json().n;
        console.log("hello", n, {k: n});
        console.warn("careful");
        console.error(new Error("shown").message);
      }
    """
    results = run_handler(source, webhook({"n": 1}), webhook({"n": 2}))
    assert results[0].logs == ["hello 1 { k: 1 }", "[warn] careful", "[error] shown"]
    assert results[1].logs[0] == "hello 2 { k: 2 }"


def test_console_output_over_4_kb_is_flagged(one):
    assert not one("async function onRequest() { console.log('x'.repeat(4000)); }").logs_over_limit
    assert one("async function onRequest() { console.log('x'.repeat(5000)); }").logs_over_limit


def test_logs_of_a_failed_invocation_are_kept(one):
    r = one("async function onRequest() { console.log('before'); throw new Error('after'); }")
    assert r.logs == ["before"]


def test_output_lines_longer_than_a_pipe_read_lose_nothing(run_handler):
    """Issue 12: a 70 KB log line (longer than one 64 KiB read of the worker's output) broke the invocation and
    every one after it."""
    source = "async function onRequest(request) { console.log(request.text()); Segment.track({event: 'E', userId: 'u'}); }"
    bodies = [{"pad": "x" * 70_000, "n": i} if i % 2 == 0 else {"n": i} for i in range(6)]
    results = run_handler(source, *[{"body": b} for b in bodies])
    assert [r.error for r in results] == [None] * 6
    assert [len(r.calls) for r in results] == [1] * 6
    assert [len(r.logs[0]) > 70_000 for r in results] == [True, False, True, False, True, False]


def test_a_lone_surrogate_in_calls_and_logs_is_reported_not_fatal(tmp_path):
    """Issue 12: a cut emoji ("\\ud83d", valid JSON) in a call or a log ended emulate and replay."""
    import json
    import subprocess
    import sys
    handler = tmp_path / "h.js"
    handler.write_text('async function onRequest() { const cut = "\\ud83d"; console.log("cut " + cut);\n'
                       '  Segment.track({ event: "E" + cut, userId: "u" }); }\n', encoding="utf-8")
    fixture = tmp_path / "f.json"
    fixture.write_text('{"request": {"body": {"a": 1}}}', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "srcfn", "emulate", str(handler), str(fixture), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert (result["calls"][0]["event"], result["logs"]) == ("E\ud83d", ["cut \ud83d"])
    lines = tmp_path / "r.ndjson"
    lines.write_text('{"a": 1}\n{"b": 2}\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "srcfn", "replay", str(handler), str(lines)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "2  track E\\ud83d" in run.stdout
