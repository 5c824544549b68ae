"""`srcfn serve`: the real command on a free loopback port, live reload, load, forwarding."""
from __future__ import annotations

import json
import threading
import time

import pytest
import requests
import responses

from benchmarks.serve_load import ECHO, POISON, Serve, load, lost, misattributed
from srcfn.emulator.fixtures import discover, load_fixture
from srcfn.clients.tracking_api import Forwarder
from srcfn.emulator.runner import Options
from srcfn.emulator.server import Dispatcher, Recorder, Served, make_server
from srcfn.serve import ForwardQueue, on_result

EXPECTED_STATUS = {"EventNotSupported": 400, "ValidationError": 400, "InvalidEventPayload": 400}


def post(server: Serve, request: dict) -> requests.Response:
    path = request["url"].split("fn.segmentapis.com", 1)[1]
    return requests.post(server.url + path, data=request["body"].encode("utf-8"), headers=request["headers"], timeout=30)


def wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.parametrize("slug", ["yotpo", "klaviyo", "listrak"])
def test_each_shipped_fixture_through_the_server(project, slug):
    fixtures = [load_fixture(p) for p in discover(project / "specs" / slug / "fixtures")]
    settings = project / "settings.json"
    settings.write_text(json.dumps(fixtures[0].settings))
    with Serve(slug, "--settings", str(settings), cwd=project) as server:
        expected_calls = []
        for fixture in fixtures:
            response = post(server, fixture.request)
            if "calls" in fixture.expect:
                assert response.status_code == 200, (fixture.name, response.text)
                assert response.json()["calls"] == fixture.expect["calls"]
                expected_calls += fixture.expect["calls"]
            else:
                error = fixture.expect["error"]
                assert response.status_code == EXPECTED_STATUS[error["type"]], fixture.name
                assert response.json()["error"]["type"] == error["type"]
        emitted = requests.get(server.url + "/_srcfn/calls", timeout=10).json()
        assert emitted["calls"] == expected_calls
        assert [r["status"] for r in emitted["requests"]] == [200 if "calls" in f.expect else 400 for f in fixtures]


def test_editing_the_spec_applies_without_a_restart(project):
    spec = project / "specs" / "yotpo" / "source.yaml"
    fixture = load_fixture(project / "specs" / "yotpo" / "fixtures" / "sms-sent.json")
    with Serve("yotpo", cwd=project) as server:
        assert post(server, fixture.request).json()["calls"][0]["event"] == "SMS Sent"
        spec.write_text(spec.read_text().replace("- name: SMS Sent\n", "- name: SMS Dispatched\n")
                        .replace("events: [SMS Sent,", "events: [SMS Dispatched,"))
        assert post(server, fixture.request).json()["calls"][0]["event"] == "SMS Dispatched"
        wait_for(lambda: any(line.startswith("reloaded ") for line in server.output))

        spec.write_text(spec.read_text().replace("slug: yotpo", "slug: Yotpo!"))  # now invalid
        assert post(server, fixture.request).json()["calls"][0]["event"] == "SMS Dispatched"
        wait_for(lambda: any("still serving the previous version" in line for line in server.errors))
        assert any("/source/slug: must be a catalog slug" in line for line in server.errors)


def test_editing_a_handler_file_applies_without_a_restart(tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text("async function onRequest() { Segment.track({event: 'One', userId: 'u'}); }")
    with Serve(str(handler)) as server:
        send = lambda: requests.post(server.url + "/", json={}, timeout=10).json()["calls"][0]["event"]  # noqa: E731
        assert send() == "One"
        handler.write_text("async function onRequest() { Segment.track({event: 'Two', userId: 'u'}); }")
        assert send() == "Two"
        handler.write_text("async function onRequest( {")  # broken: the previous version keeps serving
        assert send() == "Two"
        wait_for(lambda: any("the handler does not load: SyntaxError" in line and "still serving the previous version"
                             in line for line in server.errors))
        handler.write_text("async function onRequest() { Segment.track({event: 'Three', userId: 'u'}); }")
        assert send() == "Three"


def test_statuses_for_what_segment_refuses(tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text(ECHO)
    with Serve(str(handler)) as server:
        assert requests.get(server.url + "/", timeout=10).status_code == 405
        assert requests.post(server.url + "/", data="x", headers={"Content-Type": "text/plain"}, timeout=10).status_code == 415
        big = requests.post(server.url + "/", data="x" * (512 * 1024 + 1), headers={"Content-Type": "application/json"}, timeout=10)
        assert (big.status_code, big.json()["error"]["type"]) == (413, "PayloadTooLarge")
        assert requests.post(server.url + "/", data="{", headers={"Content-Type": "application/json"}, timeout=10).status_code == 400
        assert requests.delete(server.url + "/_srcfn/calls", timeout=10).json() == {"cleared": True}
        assert requests.get(server.url + "/_srcfn/calls", timeout=10).json() == {"requests": [], "calls": []}
        assert server.process.poll() is None


def test_binds_to_loopback_by_default(tmp_path):
    handler = tmp_path / "h.js"
    handler.write_text(ECHO)
    with Serve(str(handler)) as server:
        assert server.process.args[-2:] == ["--port", "0"]
        assert requests.get(server.url + "/_srcfn/calls", timeout=10).status_code == 200


def test_load_2000_requests_from_8_clients_nothing_lost_or_misattributed(tmp_path):
    handler = tmp_path / "echo.js"
    handler.write_text(ECHO)
    with Serve(str(handler)) as server:
        outcomes, _ = load(server.port, clients=8, total=2000)
        recorded = requests.get(server.url + "/_srcfn/calls", timeout=30).json()["calls"]
    assert len(outcomes) == 2000
    assert all(status == 200 and got == ident for ident, status, got, _ in outcomes)
    assert sorted(c["messageId"] for c in recorded) == sorted(ident for ident, _, _, _ in outcomes)


def test_poison_requests_mixed_into_the_load_get_their_status_and_harm_no_other(tmp_path):
    """Issue 12: 70 KB logs, runaways and oversized bodies among 2,000 requests from 8 clients: each poison request
    gets its documented status (200, 504, 413); no other request is lost or given another's result."""
    handler = tmp_path / "echo.js"
    handler.write_text(ECHO)
    with Serve(str(handler), "--timeout", "0.5") as server:
        outcomes, _ = load(server.port, clients=8, total=2000, poison=True)
        recorded = requests.get(server.url + "/_srcfn/calls", timeout=30).json()["calls"]
    assert len(outcomes) == 2000 and lost(outcomes) == 0 and misattributed(outcomes) == 0
    statuses = {kind: sorted({s for _, s, _, k in outcomes if k == kind}) for kind in POISON}
    assert statuses == {kind: [status] for kind, (_, status) in POISON.items()}
    emitted = sorted(ident for ident, _, _, kind in outcomes if kind in ("normal", "log"))
    assert sorted(c["messageId"] for c in recorded) == emitted


def test_bad_spec_or_missing_write_key_stop_before_listening(cli, project):
    spec = project / "specs" / "klaviyo" / "source.yaml"
    spec.write_text(spec.read_text().replace("catalog_id: EfKbe2yt0J", "catalog_id: short"))
    bad = cli("serve", "klaviyo", "--port", "0", cwd=project)
    assert bad.exit_code == 2 and "/source/catalog_id: must be the 10-character catalog id" in bad.stderr
    no_key = cli("serve", "yotpo", "--port", "0", "--forward", cwd=project)
    assert no_key.exit_code == 2 and "--forward needs --write-key" in no_key.output


@responses.activate
def test_forwarding_sends_every_emitted_call_once(tmp_path):
    responses.add_passthru("http://127.0.0.1")
    responses.post("https://api.segment.io/v1/batch", status=503)
    responses.post("https://api.segment.io/v1/batch", json={"success": True})
    handler = tmp_path / "echo.js"
    handler.write_text(ECHO)
    forwarding = ForwardQueue(Forwarder("wk_test", sleep=lambda s: None))
    served = Served(handler, None, (), "v1")
    dispatcher = Dispatcher(lambda: served, Options(), on_result(forwarding), lambda s: None)
    server = make_server("127.0.0.1", 0, dispatcher, Recorder())
    dispatcher.start()
    forwarding.start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        for n in range(3):
            assert requests.post(url, json={"client": "c", "id": f"id-{n}", "n": n}, timeout=10).status_code == 200
        forwarding.pending.join()
    finally:
        server.shutdown()
        dispatcher.stop()
        forwarding.close()
    posts = [[m["messageId"] for m in json.loads(c.request.body)["batch"]]
             for c in responses.calls if "segment.io" in c.request.url]
    # The 503 batch is resent unchanged (same messageId, deduplicated by Segment); every call is delivered once.
    assert posts == [["id-0"], ["id-0"], ["id-1"], ["id-2"]]
    assert forwarding.forwarder.delivered == 3 and forwarding.forwarder.failures == []


def test_sensitive_settings_never_leave_the_server(tmp_path):
    folder = tmp_path / "fn"
    folder.mkdir()
    (folder / "handler.js").write_text("""
      async function onRequest(request, settings) {
        console.log("token is " + settings.apiToken);
        Segment.track({event: "Leaky", userId: "u", properties: {copy: settings.apiToken}});
      }
    """)
    (folder / "settings.json").write_text(json.dumps([{"name": "apiToken", "label": "API token", "description": "",
                                                        "type": "STRING", "required": True, "sensitive": True}]))
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"apiToken": "tok_live_SECRET"}))
    with Serve(str(folder / "handler.js"), "--settings", str(values)) as server:
        reply = requests.post(server.url + "/", json={}, timeout=10).text
        emitted = requests.get(server.url + "/_srcfn/calls", timeout=10).text
        wait_for(lambda: any("token is" in line for line in server.output))
    assert "tok_live_SECRET" not in reply + emitted + "".join(server.output) + "".join(server.errors)
    assert '"copy": "[REDACTED]"' in reply and "log: token is [REDACTED]" in "".join(server.output)
