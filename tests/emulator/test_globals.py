"""segment-runtime.md "Globals available to handler code", fetch, cache, and redaction of sensitive settings."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from srcfn.emulator.fixtures import webhook
from srcfn.emulator.runner import Emulator, Options


def got(result):
    assert result.error is None, result.error
    return result.calls[0]["properties"]["got"]


def track(expr: str) -> str:
    return f"async function onRequest(request, settings) {{ Segment.track({{event: 'E', userId: 'u', properties: {{got: {expr}}}}}); }}"


def test_documented_globals_exist(one):
    names = ["fetch", "Headers", "Request", "Response", "URL", "URLSearchParams", "Buffer", "atob", "btoa", "crypto",
             "console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "Segment", "cache",
             "EventNotSupported", "InvalidEventPayload", "ValidationError", "RetryError"]
    expr = "[" + ", ".join(f"typeof {n}" for n in names) + "].join()"
    kinds = dict(zip(names, got(one(track(expr))).split(",")))
    objects = {"crypto", "console", "Segment", "cache"}
    assert kinds == {n: "object" if n in objects else "function" for n in names}


def test_globals_are_reachable_through_global_this(one):
    assert got(one(track("globalThis.Segment === Segment && globalThis.console === console"))) is True


def test_crypto_is_the_node_module(one):
    digest = hmac.new(b"key", b"payload", hashlib.sha256).hexdigest()
    assert got(one(track("crypto.createHmac('sha256', 'key').update('payload').digest('hex')"))) == digest


def test_buffer_atob_btoa(one):
    assert got(one(track("Buffer.from('hi').toString('base64') + atob(btoa('ok'))"))) == "aGk=ok"


@pytest.mark.parametrize("name,library", [("_", "lodash 4"), ("moment", "moment-timezone"), ("AWS", "aws-sdk")])
def test_library_globals_fail_naming_the_global(one, name, library):
    r = one(track(f"{name}.VERSION"))
    assert (r.error["type"], r.error["message"]) == (
        "ReferenceError", f"{name} is not defined: the srcfn emulator does not provide Segment's {library} library global")


def test_cache_loads_once_per_worker(run_handler):
    source = """
      async function onRequest() {
        const token = await cache.load("token", 60000, async () => { loads = (globalThis.loads || 0) + 1; return "t" + Date.now(); });
        console.log(typeof loads);
        Segment.track({event: "E", userId: "u", properties: {token}});
      }
    """
    results = run_handler(source, webhook({"a": 1}), webhook({"a": 2}), window=1)
    tokens = {r.calls[0]["properties"]["token"] for r in results}
    assert len(tokens) == 1
    assert [r.logs for r in results] == [["number"], ["undefined"]]  # the loader ran once, in the first invocation


def test_fetch_is_answered_by_stubs(one):
    source = """
      async function onRequest(request, settings) {
        const res = await fetch("https://api.partner.example/v1/users/42", {headers: {Authorization: "Bearer " + settings.token}});
        const user = await res.json();
        Segment.identify({userId: String(user.id), traits: {email: user.email, status: res.status}});
      }
    """
    stub = {"method": "GET", "url": "https://api.partner.example/v1/users/42", "status": 203,
            "body": {"id": 42, "email": "ada@example.com"}}
    r = one(source, http=[stub], settings={"token": "t"})
    assert r.calls == [{"type": "identify", "userId": "42", "traits": {"email": "ada@example.com", "status": 203}}]


def test_unstubbed_fetch_fails_with_a_clear_message(one):
    r = one("async function onRequest() { await fetch('https://api.partner.example/x', {method: 'POST', body: '{}'}); }")
    assert r.error["message"] == ('fetch POST https://api.partner.example/x: no http stub of the fixture matches '
                                  '(add one to "http", or allow network)')


def test_fetch_bridge_hands_requests_to_python(tmp_path: Path):
    handler = tmp_path / "h.js"
    handler.write_text("""
      async function onRequest() {
        const res = await fetch("https://api.partner.example/echo", {method: "POST", body: "ping", headers: {"X-A": "1"}});
        Segment.track({event: "E", userId: "u", properties: {got: await res.text(), status: res.status}});
      }
    """)
    seen = []

    def bridge(request: dict) -> dict:
        seen.append(request)
        return {"status": 201, "headers": {"content-type": "text/plain"}, "body": "pong"}

    with Emulator(handler, Options(fetch="bridge"), fetch_bridge=bridge) as emu:
        r = emu.invoke(webhook({"a": 1}))
    assert r.calls[0]["properties"] == {"got": "pong", "status": 201}
    assert (seen[0]["method"], seen[0]["url"], seen[0]["body"], seen[0]["headers"]["x-a"]) == \
        ("POST", "https://api.partner.example/echo", "ping", "1")


def test_sensitive_settings_are_masked_in_what_is_shown_only(tmp_path: Path):
    handler = tmp_path / "h.js"
    handler.write_text("""
      async function onRequest(request, settings) {
        console.log("using key " + settings.apiKey);
        Segment.track({event: "E", userId: "u", properties: {leak: settings.apiKey, region: settings.region}});
        if (request.json().fail) throw new Error("bad key " + settings.apiKey);
      }
    """)
    options = Options(settings={"apiKey": "sk_live_123", "region": "eu"}, sensitive=("apiKey",))
    with Emulator(handler, options) as emu:
        ok, failed = emu.run([webhook({"fail": False}), webhook({"fail": True})])
    shown, shown_failed = ok.shown(), failed.shown()
    assert shown.logs == ["using key [REDACTED]"]
    assert shown.calls[0]["properties"] == {"leak": "[REDACTED]", "region": "eu"}
    assert shown_failed.error["message"] == "bad key [REDACTED]"
    # the data itself (compared with expectations, forwarded to Segment) is the handler's own
    assert ok.calls[0]["properties"] == {"leak": "sk_live_123", "region": "eu"}
    assert ok.logs == ["using key sk_live_123"] and failed.error["message"] == "bad key sk_live_123"
