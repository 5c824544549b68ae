"""Adversarial cases (issue 12), one file per case under tests/adversarial/<kind>/: a new case is a new file."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import ROOT
from srcfn.emulator.fixtures import webhook
from srcfn.emulator.handler import Handler
from srcfn.emulator.runner import Emulator, Options

CASES = ROOT / "tests" / "adversarial"


def cases(kind: str) -> list[Path]:
    return sorted((CASES / kind).glob("*.json"))


@pytest.mark.parametrize("path", cases("redaction"), ids=lambda p: p.stem)
def test_redaction_masks_what_is_shown_and_never_what_is_sent_or_compared(path, cli, tmp_path):
    case = json.loads(path.read_text(encoding="utf-8"))
    handler = tmp_path / "handler.js"
    handler.write_text(case["handler"], encoding="utf-8")
    (tmp_path / "settings.json").write_text(json.dumps([  # the build's declaration: which settings are sensitive
        {"name": name, "label": name, "description": "", "type": kind, "required": True, "sensitive": True}
        for name, kind in case["types"].items()]))
    values = tmp_path / "values.json"
    values.write_text(json.dumps(case["settings"]))
    fixture = tmp_path / "f.json"
    fixture.write_text(json.dumps({"request": {"body": {"a": 1}}}))
    lines = tmp_path / "r.ndjson"
    lines.write_text('{"a": 1}\n{"a": 2}\n')
    runs = [cli("emulate", handler, fixture, "--settings", values),
            cli("emulate", handler, fixture, "--settings", values, "--json"),
            cli("replay", handler, lines, "--settings", values, "--workers", 2)]
    output = "".join(r.stdout + r.stderr for r in runs)
    assert "internal error" not in output and runs[2].exit_code in (0, 1)
    assert [s for s in case["never_shown"] if s in output] == []
    assert [s for s in case["shown"] if s not in output] == []
    # the data is the handler's own: what is compared with expectations and forwarded to Segment
    sensitive = tuple(case["types"])
    with Emulator(Handler.read(handler), Options(settings=case["settings"], sensitive=sensitive)) as emu:
        (result,) = emu.run([webhook({"a": 1})])
    raw = json.dumps([result.calls, result.logs, result.error], ensure_ascii=False)
    assert "[REDACTED]" not in raw


def test_update_writes_the_real_values_and_check_masks_its_diff(cli, tmp_path):
    """Issue 12 item 5: `test --update` wrote "[REDACTED]" into fixtures, and `check` printed diffs unmasked."""
    import specbuild
    value = specbuild.spec(settings=[{"name": "apiKey", "label": "API key", "type": "STRING", "sensitive": True}],
                           events=[{"name": "Key Used", "description": "x", "properties": ["key_used"]}],
                           properties={"key_used": {"description": "The key.", "from": {"setting": "apiKey"}}})
    folder = tmp_path / "specs" / "acme"
    (folder / "fixtures").mkdir(parents=True)
    (folder / "source.json").write_text(json.dumps(value))
    fixture = folder / "fixtures" / "f.json"
    fixture.write_text(json.dumps({"request": {"body": {}}, "settings": {"apiKey": "sk_live_abcdef"}}))
    assert cli("generate", cwd=tmp_path).exit_code == 0
    assert cli("test", "--update", cwd=tmp_path).exit_code == 0
    written = json.loads(fixture.read_text())["expect"]["calls"][0]["properties"]
    assert written == {"key_used": "sk_live_abcdef"}
    data = json.loads(fixture.read_text())
    data["expect"]["calls"][0]["properties"]["key_used"] = "sk_live_expected"
    fixture.write_text(json.dumps(data))
    checked = cli("check", cwd=tmp_path)
    assert checked.exit_code == 1
    assert "sk_live_abcdef" not in checked.output and '+        "key_used": "[REDACTED]"' in checked.output


def _set(value: dict, pointer: str, new) -> None:
    *parents, last = pointer.split("/")[1:]
    for key in parents:
        value = value[int(key)] if isinstance(value, list) else value.setdefault(key, {})
    value[last] = new


@pytest.mark.parametrize("path", cases("spec-text"), ids=lambda p: p.stem)
def test_spec_text_never_runs_in_the_page_and_bad_text_is_located(path, cli, tmp_path):
    """Each case edits a valid spec: the result is a located error (exit 2, nothing written), or a page where the
    text shows as written and no Liquid from the spec runs."""
    import yaml
    import specbuild
    case = json.loads(path.read_text(encoding="utf-8"))
    value = specbuild.spec(events=[{"name": "Thing Happened", "description": "A thing."}],
                           webhook={"payload": {"type": "object", "properties": {"type": {"type": "string"}}}},
                           connect={"path": "Settings > Segment", "url": "https://acme.example.com/settings"})
    for pointer, new in case.get("set", {}).items():
        _set(value, pointer, new)
    for pointer, text in case.get("yaml_set", {}).items():
        _set(value, pointer, yaml.safe_load(text))
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / "source.yaml").write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = cli("generate", cwd=tmp_path)
    if "error" in case:
        assert result.exit_code == 2, result.output
        assert f": error: {case['error']}" in result.stderr
        assert "internal error" not in result.output and not (tmp_path / "build").exists()
        return
    assert result.exit_code == 0, result.output
    page = (tmp_path / "build" / "acme" / "index.md").read_text(encoding="utf-8")
    for text in case["page_has"]:
        assert text in page
    body = page.split("\n---\n", 1)[1]  # front matter is YAML data, which Jekyll does not render
    live = body.replace("{% raw %}{{{% endraw %}", "").replace("{% raw %}{%{% endraw %}", "")
    assert [t for t in ("{{", "{%") if t in live] == []  # the partner template's own includes aside: none here


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
def test_a_proto_key_is_a_key_everywhere(deployed):
    """Issue 12 item 7: a property named __proto__ was silently dropped (an assignment sets the prototype)."""
    import specbuild
    value = specbuild.spec(
        webhook={"payload": {"type": "object", "properties": {"meta": {"type": "object"}, "v": {"type": "string"}}}},
        events=[{"name": "Thing Happened", "description": "x", "properties": ["__proto__", "copy", "merged"]}],
        properties={"__proto__": {"description": "An odd name.", "from": "v"},
                    "copy": {"description": "The meta object.", "from": {"fields": "meta"}},
                    "merged": {"description": "Merged.", "from": {"merge": ["meta", {"object": {"k": "v"}}]}}})
    body = json.loads('{"v": "x", "meta": {"__proto__": {"polluted": true}, "a": 1}}')
    (result,) = specbuild.run(value, dict(body=body), deployed=deployed)
    assert result.error is None, result.error
    assert result.calls[0]["properties"] == {"__proto__": "x", "copy": {"__proto__": {"polluted": True}, "a": 1},
                                             "merged": {"__proto__": {"polluted": True}, "a": 1, "k": "x"}}


@pytest.mark.parametrize("pattern, message", [
    ("^(?P<id>[0-9]+)$", "not a JavaScript regular expression, as the handler compiles it (u flag): Invalid regular "
                         "expression: /^(?P<id>[0-9]+)$/u: Invalid group"),
    ("^a\\-b$", "not a JavaScript regular expression, as the handler compiles it (u flag): Invalid regular "
                "expression: /^a\\-b$/u: Invalid escape"),
    ("^(a+)+$", "'^(a+)+$' nests a quantifier in a quantified group, which backtracks exponentially on values that "
                "almost match (^(a+)+$ took 6 s on 41 characters): write it without the nesting (^a+$)"),
])
def test_payload_patterns_are_checked_as_the_handler_runs_them(pattern, message, cli, tmp_path):
    """Issue 12 item 7: Python-only regex syntax and patterns invalid in JavaScript's u mode generated handlers that
    threw on every request; `^(a+)+$` made a 41-character id take 6 s."""
    import yaml
    import specbuild
    value = specbuild.spec(events=[{"name": "Thing Happened", "description": "A thing."}],
                           webhook={"payload": {"type": "object", "properties": {"id": {"type": "string",
                                                                                        "pattern": pattern}}}})
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / "source.yaml").write_text(yaml.safe_dump(value, sort_keys=False), encoding="utf-8")
    result = cli("generate", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"specs/acme/source.yaml:16:9: error: /webhook/payload/properties/id/pattern: {message}" in result.stderr


def test_hostile_replay_lines_are_located_or_run_never_internal_errors(cli, tmp_path):
    """Issue 12 item 8: binary, latin-1, deep and big-integer lines ended replay with an internal error."""
    handler = tmp_path / "h.js"
    handler.write_text('async function onRequest(request) { Segment.track({ event: "Seen", userId: "u" }); }\n')
    lines = [b'{"n": 123456789012345678901234567890}',           # past 64 bits: valid JSON, runs
             b'{"n": ' + b"9" * 5000 + b"}",                      # 5,000 digits: valid JSON, runs
             b'{"a": ' * 2000 + b"1" + b"}" * 2000,               # 2,000 levels: valid JSON, runs
             b'{"name": "caf\xe9"}',                              # latin-1: located
             b'\x00\x01\x02',                                     # binary: located
             b'{"cut": "\\ud83d"}']                               # a lone surrogate, valid JSON: runs
    path = tmp_path / "hostile.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = cli("replay", handler, path, "--workers", 2)
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "replayed 4 events from 6 lines" in result.stdout and "       4  track Seen" in result.stdout
    assert f"invalid lines: 2\n  {path}:4:14: (root): not UTF-8 text: byte 14 is 0xe9\n" \
           f"  {path}:5:1: (root): invalid JSON: Expecting value\n" in result.stdout


@pytest.mark.parametrize("path", cases("files"), ids=lambda p: p.stem)
def test_generate_writes_every_file_or_none(path, cli, project, monkeypatch):
    """Each case fails the Nth file write of `generate` (an OSError, or Ctrl-C): build/ is left exactly as it was,
    with no temporary file, and the error names the file."""
    from srcfn import generate as gen
    case = json.loads(path.read_text(encoding="utf-8"))
    build = project / "build"
    for file in build.rglob("*.*"):
        if file.is_file():
            file.write_text("stale\n")
    before = {p: p.read_bytes() for p in build.rglob("*") if p.is_file()}
    real, calls = gen._stage, []

    def failing(target, data):
        calls.append(target)
        if len(calls) == case["fail_at"]:
            raise KeyboardInterrupt if case.get("interrupt") else OSError(case["errno"], case["strerror"])
        return real(target, data)
    monkeypatch.setattr(gen, "_stage", failing)
    result = cli("generate", cwd=project)
    assert result.exit_code == case["exit"] and "internal error" not in result.output
    assert case["stderr"].format(path=calls[-1]) in result.stderr
    assert {p: p.read_bytes() for p in build.rglob("*") if p.is_file()} == before  # untouched, no .tmp left


def test_parallel_generate_runs_do_not_collide(project):
    """Issue 12 item 12: parallel `generate` runs shared one temporary file name (9 of 60 pairs failed)."""
    import threading
    from srcfn import generate as gen
    from srcfn.workspace import load_workspace
    build = project / "build"
    ws = load_workspace(project / "specs", build)
    errors = []

    def run():
        try:
            gen.generate(ws)
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in build.rglob("*") if p.name.endswith(".tmp")] == []
    assert all((build / slug / "index.md").is_file() for slug in ("yotpo", "klaviyo", "listrak"))
    assert oct((build / "yotpo" / "handler.js").stat().st_mode & 0o777) == oct(0o666 & ~gen._umask())


def _raw_request(port: int, text: bytes) -> str:
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(text)
        return sock.recv(65536).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`srcfn serve klaviyo` in its own process, for the HTTP cases."""
    import shutil
    from benchmarks.serve_load import Serve
    project = tmp_path_factory.mktemp("served")
    shutil.copytree(ROOT / "specs" / "klaviyo", project / "specs" / "klaviyo")
    with Serve("klaviyo", "--specs", "specs", cwd=project) as server:
        yield server, project
    assert not any("Traceback" in line for line in server.errors + server.output)


@pytest.mark.parametrize("path", cases("http"), ids=lambda p: p.stem)
def test_serve_answers_hostile_requests_with_their_status(path, served):
    """Each case's raw request gets its documented status and message; nothing reaches a traceback."""
    case = json.loads(path.read_text(encoding="utf-8"))
    server, _ = served
    reply = _raw_request(server.port, _text(case["request"]).encode("utf-8"))
    assert reply.split("\r\n", 1)[0].split(" ")[1] == str(case["status"]), reply[:300]
    assert case["body_has"] in reply


def test_serve_edge_backlog_and_a_deleted_spec(served):
    """Issue 12 item 9: the listen backlog was 5 (27 of 6,400 requests reset at 64 clients), and a deleted spec
    printed the same error every 0.5 s."""
    import shutil
    import time
    import requests
    from srcfn.emulator.server import _Server
    assert _Server.request_queue_size == 128
    server, project = served
    assert requests.post(server.url + "/", json={}, timeout=10).status_code == 400  # the emulator runs
    shutil.rmtree(project / "specs" / "klaviyo")
    time.sleep(2.5)  # five polls
    assert sum("no spec for 'klaviyo'" in line for line in server.errors) == 1, server.errors


def _text(parts: list) -> str:
    """A case's text: strings, and [string, times] for what would be megabytes written out."""
    return "".join(p if isinstance(p, str) else p[0] * p[1] for p in parts)


@pytest.mark.parametrize("path", cases("pages"), ids=lambda p: p.stem)
def test_hostile_pages_are_read_in_bounded_time_with_located_findings(path, tmp_path):
    """Each case is a page lint and import read within 60 s, with a located finding or none, never an internal
    error (import may refuse a page it cannot read: exit 2, located)."""
    import subprocess
    import sys
    case = json.loads(path.read_text(encoding="utf-8"))
    page = tmp_path / f"{path.stem}.md"
    page.write_text(f"---\n{_text(case['front'])}---\n\n{_text(case['body'])}\n\n## Getting started\n", encoding="utf-8")
    for command in (["lint", str(page)], ["import", str(page), "--out", str(tmp_path / "out")]):
        run = subprocess.run([sys.executable, "-m", "srcfn", *command], capture_output=True, text=True, timeout=60)
        assert run.returncode in (0, 1, 2), run.stderr
        assert "internal error" not in run.stdout + run.stderr
        if command[0] == "lint" and case["finding"]:
            assert f"{page}:1:1: {case['finding']}" in run.stdout


RUNAWAYS = """
  async function onRequest(request) {
    const b = request.json();
    if (b.spin === "sync") { for (;;) {} }
    if (b.spin === "async") { await null; for (;;) {} }
    if (b.wait) { await new Promise((resolve) => setTimeout(resolve, 50)); }
    Segment.track({ event: "Fine " + b.n, userId: "u" });
  }"""


@pytest.mark.parametrize("first", ["sync", "async"])
def test_runaways_in_one_batch_do_not_add_up(first):
    """Issue 12 item 10: K runaways in one batch took (K+1) x (timeout + 0.5 s). The runaway a blocked worker
    was running synchronously is named by its marker; the rest re-run apart, in parallel."""
    other = "async" if first == "sync" else "sync"
    bodies = [{"wait": True, "n": 1}, {"spin": first}, {"n": 2}, {"spin": other}, {"wait": True, "n": 3},
              {"spin": "sync"}, {"n": 4}]
    options = Options(timeout=0.5)
    started = time.monotonic()
    with Emulator(Handler(RUNAWAYS, "runaways.js"), options) as emu:
        results = list(emu.run([webhook(b) for b in bodies]))
    elapsed = time.monotonic() - started
    outcome = [r.error["type"] if r.error else r.calls[0]["event"] for r in results]
    assert outcome == ["Fine 1", "Timeout", "Fine 2", "Timeout", "Fine 3", "Timeout", "Fine 4"]
    # one detection, then the leftovers side by side: about 2 x (timeout + grace), where it was 4 x
    detect = options.timeout + options.grace
    assert elapsed < 2 * detect + 1.0, elapsed


def test_serve_answers_each_request_when_it_finishes():
    """Issue 12 item 10: in serve, 3 runaways and 4 normal requests sent together were all answered after 22.4 s;
    now each request is answered when its own invocation ends (serve uses run_unordered): the normal ones stuck
    behind a runaway's blocked event loop right after it is detected, the runaway when its own timeout ends."""
    options = Options(timeout=0.5)
    detect = options.timeout + options.grace
    with Emulator(Handler(RUNAWAYS, "runaways.js"), options) as emu:
        arrived = []
        started = time.monotonic()
        for position, result in emu.run_unordered([webhook({"wait": True, "n": 1}), webhook({"n": 2}),
                                                   webhook({"spin": "async"}), webhook({"n": 3})]):
            arrived.append((position, time.monotonic() - started, result))
    assert [p for p, _, _ in arrived][-1] == 2  # the runaway last
    assert all(r.error is None and t < detect + 0.8 for p, t, r in arrived if p != 2), arrived
    assert arrived[-1][2].error["type"] == "Timeout"


def outcome(result) -> dict:
    """What a user relies on from one invocation: its error (type and message), its calls, what was discarded,
    how much it logged."""
    error = result.error and [result.error["type"], result.error["message"]]
    return {"error": error, "calls": [c.get("event", c["type"]) for c in result.calls], "call_count": len(result.calls),
            "distinct_calls": sorted({c.get("event", c["type"]) for c in result.calls}),
            "discarded": result.discarded, "log_chars": sum(len(line) for line in result.logs),
            "logs": result.logs if sum(len(line) for line in result.logs) < 200 else None}


@pytest.mark.parametrize("path", cases("handlers"), ids=lambda p: p.stem)
def test_hostile_handlers_each_get_their_own_outcome(path, monkeypatch):
    """Each case runs its requests through its handler in one batch; every invocation's outcome is the expected one
    (the keys a case lists), whatever the ones before it did."""
    case = json.loads(path.read_text(encoding="utf-8"))
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    with Emulator(Handler(case["handler"], f"{path.stem}.js"), Options(**case.get("options", {}))) as emu:
        results = list(emu.run([webhook(body) for body in case["requests"]]))
    got = [outcome(r) for r in results]
    assert [{k: g[k] for k in want} for g, want in zip(got, case["expect"])] == case["expect"]
    assert len(got) == len(case["expect"])


def _answer(answer: dict) -> dict:
    """A case's answer as `responses` keyword arguments."""
    out = {"status": answer.get("status", 200), "headers": answer.get("headers", {})}
    if "json" in answer:
        out["json"] = answer["json"]
    else:
        out["body"], out["content_type"] = answer.get("body", ""), answer.get("content_type", "text/plain")
    return out


@pytest.mark.parametrize("path", cases("public-api"), ids=lambda p: p.stem)
def test_deploy_against_a_misbehaving_public_api(path, cli, project, monkeypatch):
    """Each case answers `srcfn deploy --dry-run`'s requests as given: a clear error (exit 3), bounded waits, a
    bounded number of requests, never an internal error, never the token."""
    import responses
    case = json.loads(path.read_text(encoding="utf-8"))
    monkeypatch.setenv("SEGMENT_PUBLIC_API_TOKEN", "sgp_secret_token_123")
    waits: list[float] = []
    monkeypatch.setattr("srcfn.clients.retry._sleep", waits.append)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        for answer in case["answers"]:
            api.get("https://api.segmentapis.com/functions", **_answer(answer))
        result = cli("deploy", "yotpo", "--dry-run", cwd=project)
    assert (result.exit_code, result.stderr.strip()) == (3, case["stderr"])
    assert waits == case.get("waits", [])
    assert "sgp_secret_token_123" not in result.output


@pytest.mark.parametrize("path", cases("tracking-api"), ids=lambda p: p.stem)
def test_forwarding_survives_a_misbehaving_tracking_api(path):
    """Each case answers the forwarder's batches as given: every call is delivered or reported, waits bounded."""
    import responses
    from srcfn.clients.tracking_api import Forwarder
    case = json.loads(path.read_text(encoding="utf-8"))
    waits: list[float] = []
    calls = [{"type": "track", "event": "E", "userId": f"u{i}", "messageId": f"m{i}"} for i in range(case["calls"])]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        for answer in case["answers"]:
            api.post("https://api.segment.io/v1/batch", **_answer(answer))
        forwarder = Forwarder("wk_1", sleep=waits.append)
        failures = forwarder.send(calls)
    assert (forwarder.delivered, [f.message_id for f in failures], waits) == \
        (case["delivered"], case["failures"], case["waits"])
