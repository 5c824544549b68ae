"""`srcfn emulate`, `srcfn test` and `srcfn replay` from the command line."""
from __future__ import annotations

import json
from pathlib import Path


from conftest import ROOT


def test_emulate_json_lines(cli):
    result = cli("emulate", "yotpo", "--json", "specs/yotpo/fixtures/sms-clicked.json",
                 "specs/yotpo/fixtures/error-unsupported-type.json")
    assert result.exit_code == 0
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert set(first) == {"fixture", "ok", "status", "calls", "error", "logs", "duration_ms", "violations"}
    assert (first["fixture"], first["ok"], first["status"], first["error"], first["violations"]) == \
        ("specs/yotpo/fixtures/sms-clicked.json", True, 200, None, [])
    assert first["calls"][0]["type"] == "track" and first["calls"][0]["event"] == "SMS Clicked"
    assert second["error"] == {"type": "EventNotSupported", "message": 'Unsupported Yotpo webhook type: "review_created"',
                               "category": "Unsupported Event Type", "status": 400}


def test_emulate_readable_output(cli):
    result = cli("emulate", "listrak", "specs/listrak/fixtures/identify-contact-subscribed.json")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PASS specs/listrak/fixtures/identify-contact-subscribed.json  200  ")
    assert lines[1:3] == ['    identify userId="crm-77" anonymousId="new@example.com"',
                          '      traits: {"email": "new@example.com", "Listrak_list_12345": true}']


def test_emulate_a_handler_file_with_settings_and_a_failing_expectation(cli, tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text("async function onRequest(r, s) { console.log('key=' + s.apiKey); "
                       "Segment.track({event: 'Pinged', userId: s.user}); }")
    settings = tmp_path / "settings.json"
    settings.write_text('{"apiKey": "abc", "user": "u7"}')
    fixture = tmp_path / "ping.json"
    fixture.write_text(json.dumps({"request": {"body": {}}, "expect": {"calls": [{"type": "track", "event": "Pinged", "userId": "u8"}]}}))
    result = cli("emulate", str(handler), str(fixture), "--settings", str(settings))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"FAIL {fixture}  200")
    assert "    log: key=abc" in result.stdout
    assert '    -      "userId": "u8"\n    +      "userId": "u7"' in result.stdout


def test_emulate_checks_the_tracking_plan(cli, tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text("async function onRequest() { Segment.track({event: 'SMS Sent', userId: 'u', properties: {store_id: 5, extra: 1}}); }")
    fixture = tmp_path / "f.json"
    fixture.write_text('{"request": {"body": {}}}')
    result = cli("emulate", str(handler), str(fixture), "--json", "--tracking-plan", "build/yotpo/tracking-plan.json")
    line = json.loads(result.stdout)
    assert result.exit_code == 1 and line["ok"] is False
    assert sorted(v["pointer"] for v in line["violations"]) == ["/calls/0/properties", "/calls/0/properties/store_id"]


def test_emulate_deployed_and_timeout_options(cli, tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text("async function onRequest(r) { if (r.json().wait) await new Promise(() => {}); "
                       "Segment.track({event: 'E', userId: 'u', properties: {raw: r.text()}}); }")
    fast, slow = tmp_path / "fast.json", tmp_path / "slow.json"
    fast.write_text('{"request": {"body": {"b": 1, "a": 2}}}')
    slow.write_text('{"request": {"body": {"wait": true}}}')
    result = cli("emulate", str(handler), str(fast), str(slow), "--deployed", "--timeout", "0.2", "--json")
    a, b = (json.loads(line) for line in result.stdout.splitlines())
    assert a["calls"][0]["properties"]["raw"] == '{"a":2,"b":1}'
    assert (b["error"]["type"], b["status"]) == ("Timeout", 504)


def test_bad_fixture_files_are_located_errors(cli, tmp_path):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"request": {"body": {}},\n  "expect": }\n')
    bad_shape = tmp_path / "shape.json"
    bad_shape.write_text('{"request": {"body": {}, "raw": "x"},\n "expect": {"calls": [], "error": {"type": "E"}}}\n')
    result = cli("emulate", "yotpo", str(bad_json), str(bad_shape))
    assert result.exit_code == 2
    assert f"{bad_json}:2:13: error: (root): invalid JSON: Expecting value" in result.stderr
    assert f"{bad_shape}:1:2: error: /request: give either body (JSON) or raw (text), not both" in result.stderr
    assert f"{bad_shape}:2:2: error: /expect: expect holds either calls or error" in result.stderr
    assert "Traceback" not in result.output


def test_emulate_unknown_target_is_named_as_missing_not_as_a_broken_spec(cli):
    result = cli("emulate", "no-such-thing")
    assert result.exit_code == 2
    assert result.stderr == ("srcfn: no-such-thing: no such handler file, and no spec of that slug "
                             "(specs/no-such-thing/ does not exist)\n")


def test_emulate_a_slug_that_was_never_generated(cli, project):
    (project / "build" / "yotpo" / "handler.js").unlink()
    result = cli("emulate", "yotpo", cwd=project)
    assert result.exit_code == 2
    assert result.stderr == "srcfn: yotpo: build/yotpo/handler.js does not exist: run `srcfn generate yotpo` first\n"


def test_a_missing_fixture_file_is_named(cli, tmp_path):
    result = cli("emulate", "yotpo", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert result.stderr == f"srcfn: {tmp_path / 'nope.json'}: no such file\n"


def test_a_missing_slug_is_named(cli):
    result = cli("test", "nope")
    assert result.exit_code == 2
    assert result.stderr == "srcfn: no spec for 'nope': expected specs/nope/source.yaml\n"


def test_emulate_a_handler_that_does_not_load(cli, tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text("function onRequest( {\n")
    fixture = tmp_path / "f.json"
    fixture.write_text('{"request": {"body": {}}}')
    result = cli("emulate", str(handler), str(fixture))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"srcfn: {handler}: the handler does not load: SyntaxError")


def test_srcfn_test_passes_on_the_shipped_specs(cli):
    result = cli("test")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["klaviyo: 7 fixtures, 7 passed", "listrak: 8 fixtures, 8 passed",
                                          "yotpo: 16 fixtures, 16 passed", "31 passed, 0 failed"]


def test_a_broken_expectation_fails_with_a_diff_and_update_rewrites_it(cli, project):
    fixture = project / "specs" / "klaviyo" / "fixtures" / "email-opened.json"
    data = json.loads(fixture.read_text())
    data["expect"]["calls"][0]["anonymousId"] = "someone@example.com"
    fixture.write_text(json.dumps(data, indent=2) + "\n")
    result = cli("test", "klaviyo", cwd=project)
    assert result.exit_code == 1
    assert '-      "anonymousId": "someone@example.com",' in result.stdout
    assert '+      "anonymousId": "reader1@example.com",' in result.stdout
    assert result.stdout.splitlines()[-1] == "6 passed, 1 failed"
    updated = cli("test", "klaviyo", "--update", cwd=project)
    assert updated.exit_code == 0
    assert "UPDATED specs/klaviyo/fixtures/email-opened.json" in updated.stdout
    assert json.loads(fixture.read_text())["expect"] == json.loads(
        (ROOT / "specs" / "klaviyo" / "fixtures" / "email-opened.json").read_text())["expect"]
    assert cli("test", "klaviyo", cwd=project).exit_code == 0


def test_update_over_several_slugs_still_fails_what_it_cannot_fix(cli, project):
    """An expectation is rewritten for klaviyo; a yotpo fixture breaking the tracking plan still fails the run."""
    fixture = project / "specs" / "klaviyo" / "fixtures" / "email-opened.json"
    data = json.loads(fixture.read_text())
    data["expect"]["calls"][0]["anonymousId"] = "someone@example.com"
    fixture.write_text(json.dumps(data, indent=2) + "\n")
    plan_file = project / "build" / "yotpo" / "tracking-plan.json"
    plan = json.loads(plan_file.read_text())
    plan["track"]["SMS Sent"]["properties"]["properties"]["properties"]["store_id"] = {"type": "integer"}
    plan_file.write_text(json.dumps(plan, indent=2) + "\n")
    result = cli("test", "klaviyo", "yotpo", "--update", cwd=project)
    assert result.exit_code == 1
    assert "UPDATED specs/klaviyo/fixtures/email-opened.json" in result.stdout
    assert "FAIL specs/yotpo/fixtures/sms-sent.json" in result.stdout
    assert "    contract: /calls/0/properties/store_id: " in result.stdout
    summaries = [line for line in result.stdout.splitlines() if line[:1].isalnum() and "passed" in line]
    assert summaries == ["klaviyo: 7 fixtures, 7 passed", "yotpo: 16 fixtures, 15 passed",
                         "22 passed, 1 failed (1 expectations updated)"]


def _ndjson(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_replay_summarises_calls_errors_and_bad_lines(cli, tmp_path):
    fixture = json.loads((ROOT / "specs" / "yotpo" / "fixtures" / "sms-sent.json").read_text())
    body = fixture["request"]["body"]
    rows = [body, body, fixture, {**body, "type": "nope"}, "{not json", {**body, "properties": {"x": None}}]
    path = _ndjson(tmp_path / "in.ndjson", rows)
    result = cli("replay", "yotpo", str(path), "--workers", "2")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith(f"replayed 5 events from 6 lines of {path} in ")
    assert "       3  track SMS Sent" in out
    assert "       1  Unsupported Event Type" in out and "       1  Message Rejected" in out
    assert f"invalid lines: 1\n  {path}:5:2: (root): invalid JSON: Expecting property name enclosed in double quotes" in out
    assert "Unsupported Event Type\n            e.g. line 4: EventNotSupported: Unsupported Yotpo webhook type: " \
           "\"nope\"" in out


def test_replay_clean_run_exits_0(cli, tmp_path):
    body = json.loads((ROOT / "specs" / "klaviyo" / "fixtures" / "email-opened.json").read_text())["request"]["body"]
    result = cli("replay", "klaviyo", str(_ndjson(tmp_path / "k.ndjson", [body] * 50)))
    assert result.exit_code == 0
    assert "      50  track Email Opened" in result.stdout
    assert "errors by category: none" in result.stdout and "contract violations: none" in result.stdout
