"""Hand-written Source Functions in the functions-library style run unmodified, on their own payload files."""
from __future__ import annotations


import responses

from conftest import ROOT
from srcfn.emulator.fixtures import load_fixture
from srcfn.emulator.runner import Emulator

HANDLERS = ROOT / "tests" / "handlers"


def run(name: str, *payloads: str):
    fixtures = [load_fixture(HANDLERS / name / "payloads" / f"{p}.json") for p in payloads]
    with Emulator(HANDLERS / name / "handler.js") as emu:
        return list(emu.run(fixtures))


def test_github_star_and_issue():
    star, issue = run("github", "star", "issue-opened")
    assert star.calls == [{"type": "track", "event": "Repository Starred", "userId": "9001",
                           "properties": {"repository": "acme/widgets", "stars": 128}}]
    assert issue.calls == [
        {"type": "track", "event": "Issue Opened", "userId": "9001",
         "properties": {"repository": "acme/widgets", "number": 17, "title": "Widgets wobble"}},
        {"type": "identify", "userId": "9001", "traits": {"username": "ada"}},
    ]


def test_github_rejects_bad_signatures_and_unknown_events():
    bad, push = run("github", "bad-signature", "push")
    assert (bad.error["type"], bad.error["message"], bad.status) == ("ValidationError", "Invalid GitHub signature", 400)
    assert (push.error["type"], push.error["category"]) == ("EventNotSupported", "Unsupported Event Type")


def test_twilio_form_callbacks():
    delivered, failed, queued = run("twilio-sms", "delivered", "failed", "queued")
    assert delivered.calls == [
        {"type": "track", "event": "SMS Delivered", "anonymousId": "+14155550100",
         "properties": {"message_sid": "SMdeli01", "from": "+14155550999", "error_code": None}},
        {"type": "identify", "anonymousId": "+14155550100", "traits": {"phone": "+14155550100"}},
    ]
    assert failed.calls[0]["properties"]["error_code"] == "30003"
    assert queued.error["message"] == "status queued is not tracked"


def test_zendesk_object_api():
    created, solved = run("zendesk-tickets", "ticket-created", "ticket-solved")
    assert created.calls == [
        {"type": "set", "collection": "tickets", "id": "4521",
         "properties": {"subject": "Refund please", "status": "new", "priority": "high",
                        "requester_email": "bo@example.com", "tags": "refund,vip"}},
        {"type": "track", "event": "Ticket Created", "userId": "77", "properties": {"ticket_id": 4521, "priority": "high"}},
    ]
    assert [c["type"] for c in solved.calls] == ["set"]
    assert solved.calls[0]["properties"]["status"] == "solved"


def test_billing_events_with_query_parameters_and_implicit_globals():
    paid, canceled = run("billing-events", "invoice-paid", "subscription-canceled")
    assert paid.calls == [{"type": "track", "event": "Invoice Paid", "userId": "cus_9",
                           "properties": {"livemode": False, "revenue": 42, "currency": "USD", "line_items": 2},
                           "timestamp": "2026-01-01T00:00:00.000Z", "messageId": "evt_1"}]
    assert canceled.calls[0]["properties"] == {"livemode": True, "plan": "Pro"}


@responses.activate
def test_profile_enrichment_through_the_pytest_plugin(srcfn_emulator):
    responses.get("https://api.crm.example/v2/profiles/u-31", json={"name": "Ada", "company": "Acme"},
                  match=[responses.matchers.header_matcher({"Authorization": "Bearer pk_test_abc"})])
    emu = srcfn_emulator(HANDLERS / "profile-enrichment" / "handler.js")
    signup = emu.invoke(load_fixture(HANDLERS / "profile-enrichment" / "payloads" / "signup.json"))
    assert signup.calls == [
        {"type": "identify", "userId": "u-31", "traits": {"name": "Ada", "company": "Acme", "plan": "pro"}},
        {"type": "track", "event": "Signed Up", "userId": "u-31", "properties": {"plan": "pro"}},
    ]
    assert signup.logs == ["enriched u-31 with 2 fields"]
    assert len(responses.calls) == 1


@responses.activate
def test_profile_enrichment_retries_when_the_crm_is_down(srcfn_emulator):
    responses.get("https://api.crm.example/v2/profiles/u-31", status=503)
    emu = srcfn_emulator(HANDLERS / "profile-enrichment" / "handler.js")
    r = emu.invoke(load_fixture(HANDLERS / "profile-enrichment" / "payloads" / "signup.json"))
    assert (r.error["type"], r.error["message"], r.error["category"], r.status) == \
        ("RetryError", "CRM answered 503", "Retry", 503)


def test_profile_enrichment_without_a_user(srcfn_emulator):
    emu = srcfn_emulator(HANDLERS / "profile-enrichment" / "handler.js")
    r = emu.invoke(load_fixture(HANDLERS / "profile-enrichment" / "payloads" / "no-user.json"))
    assert (r.error["type"], r.error["category"]) == ("InvalidEventPayload", "Message Rejected")


def test_unmocked_fetch_through_the_plugin_fails_as_a_network_error(srcfn_emulator):
    with responses.RequestsMock() as mock:  # nothing registered: requests raises ConnectionError
        emu = srcfn_emulator(HANDLERS / "profile-enrichment" / "handler.js")
        r = emu.invoke(load_fixture(HANDLERS / "profile-enrichment" / "payloads" / "signup.json"))
    assert r.error["type"] == "TypeError"
    assert r.error["message"].startswith("fetch GET https://api.crm.example/v2/profiles/u-31 failed: ConnectionError")
    assert mock is not None
