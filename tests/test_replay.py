"""`srcfn replay` split across processes and machines: the summary (counts, examples, line numbers) of a file with
errors, contract violations and invalid lines is the same for one worker, several workers, and shards replayed
apart then merged; a runaway handler mid-file is isolated without losing or misattributing a line."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from srcfn.emulator.contracts import TrackingPlan
from srcfn.emulator.handler import Handler
from srcfn.emulator.replay import Tally, byte_ranges, merge, replay_range
from srcfn.emulator.runner import Options
from srcfn.replay import tally_to_json

BODY = json.loads((ROOT / "specs" / "yotpo" / "fixtures" / "sms-sent.json").read_text())["request"]["body"]
FIXTURE = json.loads((ROOT / "specs" / "yotpo" / "fixtures" / "sms-clicked.json").read_text())
# A plan under which SMS Clicked breaks a contract (a property it never has is required) and SMS Sent does not.
PLAN = {"track": {"SMS Sent": {"type": "object"},
                  "SMS Clicked": {"type": "object", "properties": {"properties": {"required": ["coupon"]}}}}}


def ndjson_lines() -> list[bytes]:
    """Every kind of line, repeated so that byte ranges cut through lines of each kind."""
    kinds = [
        json.dumps(BODY).encode(),                                   # a bare body: runs in the worker
        json.dumps(FIXTURE).encode(),                                # a fixture: converted by the driver
        json.dumps({**BODY, "type": "nope"}).encode(),               # EventNotSupported
        b"{not json",                                                # invalid JSON: located by the driver
        b"",                                                         # blank
        json.dumps({**BODY, "properties": {"x": None}}).encode() + b"\r",  # CRLF; Message Rejected
        b"[1, 2]",                                                   # JSON but not a fixture or a body
        b'{"type": "sms_sent", "caf\xe9": 1}',                       # not UTF-8
    ]
    return [kinds[i % len(kinds)] for i in range(90)]


@pytest.fixture(scope="module")
def payloads(tmp_path_factory):
    path = tmp_path_factory.mktemp("replay") / "mixed.ndjson"
    path.write_bytes(b"\n".join(ndjson_lines()))  # no newline after the last line
    plan = path.with_name("plan.json")
    plan.write_text(json.dumps(PLAN))
    return path, plan


def summary_of(result_stdout: str) -> str:
    """The report without its first line (elapsed time and worker count)."""
    return result_stdout.split("\n", 1)[1]


def test_the_tally_is_the_same_for_any_number_of_workers_and_shards(cli, payloads, tmp_path):
    path, plan = payloads
    runs = {w: cli("replay", "yotpo", path, "--tracking-plan", plan, "--workers", w,
                   "--summary-json", tmp_path / f"w{w}.json") for w in (1, 2, 3)}
    shards = [cli("replay", "yotpo", path, "--tracking-plan", plan, "--workers", 2, "--shard", f"{i}/3",
                  "--summary-json", tmp_path / f"s{i}.json") for i in (1, 2, 3)]
    merged = cli("replay-merge", *[tmp_path / f"s{i}.json" for i in (3, 1, 2)], "--summary-json", tmp_path / "m.json")
    assert {r.exit_code for r in [*runs.values(), *shards, merged]} == {1}
    one = json.loads((tmp_path / "w1.json").read_text())
    for other in ("w2", "w3", "m"):
        assert json.loads((tmp_path / f"{other}.json").read_text()) == one
    assert summary_of(runs[2].stdout) == summary_of(runs[1].stdout) == summary_of(merged.stdout)
    # and it says what the file holds: 90 lines, 8 kinds, lines 1..90
    assert (one["lines"], one["events"], one["bad_lines"]) == (90, 46, 33)
    assert one["calls"] == {"track SMS Clicked": 12, "track SMS Sent": 12}
    assert one["errors"] == {"Message Rejected": 11, "Unsupported Event Type": 11}
    assert one["violations"] == {'"coupon" is a required property': 12}
    assert one["examples"]['contract "coupon" is a required property'] == [
        [2, 'contract: /calls/0/properties: "coupon" is a required property'],
        [10, 'contract: /calls/0/properties: "coupon" is a required property'],
        [18, 'contract: /calls/0/properties: "coupon" is a required property']]
    assert [e[:2] for e in one["bad_examples"]] == [[4, 2], [7, 1], [8, 26]]
    assert one["bad_examples"][2][3] == "not UTF-8 text: byte 26 is 0xe9"
    assert f"invalid lines: 33\n  {path}:4:2: (root): invalid JSON: Expecting property name enclosed in double " \
           "quotes" in runs[1].stdout


def test_a_shard_alone_reports_lines_of_its_slice(cli, payloads, tmp_path):
    path, plan = payloads
    result = cli("replay", "yotpo", path, "--tracking-plan", plan, "--shard", "2/3")
    first = result.stdout.splitlines()[0]
    start = byte_ranges(0, path.stat().st_size, 3)[1][0]
    assert f"lines of {path} (the slice from byte {start}) in " in first


def test_ranges_cut_anywhere_join_into_the_whole(payloads):
    """Every cut point, including inside a line, right after a newline, and at the ends."""
    path, _ = payloads
    handler = Handler.read(ROOT / "build" / "yotpo" / "handler.js")
    size = path.stat().st_size
    whole = replay_range(handler, path, 0, size, Options(), None)
    newline = path.read_bytes().index(b"\n")
    for cut in (1, newline, newline + 1, size // 2, size - 1):
        parts = [replay_range(handler, path, a, b, Options(), None) for a, b in ((0, cut), (cut, size))]
        assert tally_to_json(merge(parts)) == tally_to_json(whole), cut


def test_merge_refuses_gaps_and_overlaps():
    from srcfn.emulator.errors import EmulatorError
    with pytest.raises(EmulatorError, match="bytes 10 to 12 are missing"):
        merge([Tally(0, 10), Tally(12, 20)])
    with pytest.raises(EmulatorError, match="overlap at byte 8"):
        merge([Tally(0, 10), Tally(8, 20)])


def test_replay_merge_names_a_missing_shard_and_a_bad_summary(cli, payloads, tmp_path):
    path, plan = payloads
    for i in (1, 3):
        cli("replay", "yotpo", path, "--shard", f"{i}/3", "--summary-json", tmp_path / f"s{i}.json")
    gap = cli("replay-merge", tmp_path / "s1.json", tmp_path / "s3.json")
    assert gap.exit_code == 2 and "are missing" in gap.stderr
    (tmp_path / "bad.json").write_text('{"format": "srcfn-replay-summary/1", "file": "x", "size": -1}\n')
    bad = cli("replay-merge", tmp_path / "bad.json")
    assert bad.exit_code == 2
    assert f"{tmp_path / 'bad.json'}:1:1: error: (root): missing required key 'start'" in bad.stderr
    assert f"{tmp_path / 'bad.json'}:1:51: error: /size: -1 is less than the minimum of 0" in bad.stderr


def test_a_runaway_mid_range_is_isolated_and_every_line_counted(tmp_path):
    """A body that busy-loops blocks the worker's event loop: the rest of the range runs in the Python-driven
    emulator from the last checkpoint, the runaway is a Timeout on its own line, and no line counts twice."""
    handler = Handler('async function onRequest(request) {\n  const b = request.json();\n'
                      '  if (b.spin) { for (;;) {} }\n  Segment.track({ event: "E" + b.n, userId: "u" });\n}\n', "h.js")
    rows = [{"n": i} for i in range(40)]
    rows[25] = {"spin": True}
    path = tmp_path / "spin.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tally = replay_range(handler, path, 0, path.stat().st_size, Options(timeout=0.3), None)
    assert (tally.lines, tally.events) == (40, 40)
    assert sum(tally.calls.values()) == 39 and "track E25" not in tally.calls and tally.calls["track E39"] == 1
    assert tally.errors == {"Retry": 1}
    assert tally.examples["error Retry"] == [(26, "Timeout: the handler did not finish within 300 ms (its event loop "
                                                 "was blocked; worker replaced)")]


def test_shard_option_is_checked(cli, payloads):
    path, _ = payloads
    result = cli("replay", "yotpo", path, "--shard", "4/3")
    assert result.exit_code == 2 and "'4/3' is not I/N with 1 <= I <= N (for example 2/8)" in result.output


def test_the_dask_recipe_merges_shards_into_the_same_tally(payloads, tmp_path):
    """The engine's local modes: dask's process pool, and a distributed LocalCluster (what a real cluster runs)."""
    from dask.distributed import Client, LocalCluster
    from srcfn.dask_replay import replay_on_dask
    path, plan = payloads
    handler = ROOT / "build" / "yotpo" / "handler.js"
    plan_value = json.loads(plan.read_text())
    alone = tally_to_json(replay_range(Handler.read(handler), path, 0, path.stat().st_size, Options(),
                                       TrackingPlan(plan_value)))
    assert tally_to_json(replay_on_dask(handler, path, shards=4, plan=plan, scheduler="processes")) == alone
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster):
        assert tally_to_json(replay_on_dask(handler, path, shards=5, plan=plan)) == alone


def test_ctrl_c_stops_every_worker(tmp_path):
    """SIGINT to the command (as a terminal sends it to its process group): it exits promptly and leaves no
    replay process or Node worker behind."""
    import os
    import signal
    import subprocess
    import sys
    import time
    handler = tmp_path / "slow.js"
    handler.write_text("async function onRequest() { await new Promise((r) => setTimeout(r, 50)); }\n")
    path = tmp_path / "many.ndjson"
    path.write_text('{"a": 1}\n' * 20000)
    proc = subprocess.Popen([sys.executable, "-m", "srcfn", "replay", str(handler), str(path), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(3)
    os.killpg(proc.pid, signal.SIGINT)
    started = time.monotonic()
    proc.wait(timeout=20)
    assert time.monotonic() - started < 10
    assert proc.returncode != 0 and "Aborted!" in proc.stderr.read().decode()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # nothing of the session is left once the workers have closed
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(subprocess.run(["ps", "-o", "pid,stat,cmd", "-g", str(proc.pid)], capture_output=True, text=True).stdout)
