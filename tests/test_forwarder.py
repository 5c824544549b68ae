"""Forwarding emitted calls to the Tracking API (`/v1/batch`), stubbed with responses."""
from __future__ import annotations

import base64
import json

import pytest
import requests
import responses

from srcfn.clients.tracking_api import Forwarder
from srcfn.core.segment import MAX_BATCH_BYTES

US = "https://api.segment.io/v1/batch"


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as m:
        yield m


def calls(n: int, size: int = 100) -> list[dict]:
    return [{"type": "track", "event": "E", "userId": f"u{i}", "messageId": f"m{i}", "properties": {"pad": "x" * size}}
            for i in range(n)]


def sent(mock) -> list[list[dict]]:
    return [json.loads(c.request.body)["batch"] for c in mock.calls]


def test_batches_stay_under_500_kb_and_every_call_goes_once(mock):
    mock.post(US, json={"success": True})
    fw = Forwarder("wk_1", sleep=lambda s: None)
    assert fw.send(calls(60, size=20_000)) == []
    batches = sent(mock)
    assert len(batches) == 3
    assert all(len(c.request.body) <= MAX_BATCH_BYTES for c in mock.calls)
    ids = [m["messageId"] for b in batches for m in b]
    assert ids == [f"m{i}" for i in range(60)] and fw.delivered == 60


def test_a_message_over_32_kb_is_reported_and_the_rest_delivered(mock):
    mock.post(US, json={"success": True})
    fw = Forwarder("wk_1", sleep=lambda s: None)
    big = calls(1, size=40_000)[0] | {"messageId": "huge"}
    failures = fw.send(calls(2) + [big])
    assert [(f.message_id, f.reason.split(",")[0]) for f in failures] == [("huge", f"message is {len(json.dumps(big, separators=(',', ':')))} bytes")]
    assert [m["messageId"] for m in sent(mock)[0]] == ["m0", "m1"]


@pytest.mark.parametrize("first", [{"status": 429, "headers": {"Retry-After": "3"}}, {"status": 503}])
def test_retries_resend_the_same_batch(mock, first):
    mock.post(US, **first)
    mock.post(US, json={"success": True})
    waits = []
    fw = Forwarder("wk_1", sleep=waits.append)
    assert fw.send(calls(3)) == []
    first_body, second_body = (c.request.body for c in mock.calls)
    assert first_body == second_body  # same messageIds: Segment deduplicates, nothing counts twice
    assert waits == ([3.0] if first["status"] == 429 else [0.5])
    assert fw.delivered == 3


def test_missing_message_ids_are_assigned_once_before_the_first_attempt(mock):
    mock.post(US, status=500)
    mock.post(US, json={"success": True})
    Forwarder("wk_1", sleep=lambda s: None).send([{"type": "identify", "userId": "u"}])
    ids = [json.loads(c.request.body)["batch"][0]["messageId"] for c in mock.calls]
    assert ids[0].startswith("srcfn-") and ids[0] == ids[1]


def test_gives_up_after_the_last_attempt_and_reports_each_call(mock):
    mock.post(US, status=503, body="unavailable")
    waits = []
    fw = Forwarder("wk_1", attempts=4, sleep=waits.append)
    failures = fw.send(calls(2))
    assert waits == [0.5, 1.0, 2.0]
    assert [(f.message_id, f.reason) for f in failures] == [
        ("m0", "HTTP 503: unavailable (after 4 attempts)"), ("m1", "HTTP 503: unavailable (after 4 attempts)")]
    assert fw.delivered == 0 and fw.failures == failures


def test_client_errors_are_not_retried(mock):
    mock.post(US, status=400, body='{"error": "bad batch"}')
    failures = Forwarder("wk_1", sleep=lambda s: None).send(calls(1))
    assert failures[0].reason == 'HTTP 400: {"error": "bad batch"}'
    assert len(mock.calls) == 1


def test_network_errors_are_retried(mock):
    mock.post(US, body=requests.ConnectionError("reset"))
    mock.post(US, json={"success": True})
    assert Forwarder("wk_1", sleep=lambda s: None).send(calls(1)) == []


def test_basic_auth_with_the_write_key_and_the_eu_endpoint(mock):
    mock.post("https://events.eu1.segmentapis.com/v1/batch", json={"success": True})
    Forwarder("wk_secret", region="eu", sleep=lambda s: None).send(calls(1))
    auth = mock.calls[0].request.headers["Authorization"]
    assert auth == "Basic " + base64.b64encode(b"wk_secret:").decode()


def test_stopping_with_retries_pending_is_bounded_and_reports_every_call(mock, capsys):
    """Issue 12 item 4: on Ctrl-C with retries pending, queued calls were never sent nor reported, and it took 63 s."""
    import time
    from srcfn.serve import ForwardQueue
    mock.post(US, status=503, headers={"Retry-After": "30"})
    forwarding = ForwardQueue(Forwarder("wk_1"))
    forwarding.start()
    batches = calls(3)
    for call in batches:
        forwarding.pending.put([call])
    time.sleep(0.3)  # the first batch is waiting 30 s to retry
    started = time.monotonic()
    forwarding.close(grace=0.5)
    assert time.monotonic() - started < 3
    assert [(f.message_id, f.reason) for f in forwarding.forwarder.failures] == [
        ("m0", "not delivered: srcfn stopped while retrying (stopped after 1 attempt)"),
        ("m1", "not sent: srcfn stopped first"), ("m2", "not sent: srcfn stopped first")]
    err = capsys.readouterr().err
    assert "    forward failed: messageId m2: not sent: srcfn stopped first" in err
    assert err.endswith("forwarded 0 calls to Segment; 3 not delivered (listed above)\n")
    assert len(mock.calls) == 1  # nothing sent after the stop
