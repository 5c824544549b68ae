"""Fixtures signed when they run (`sign`) and the emulator's fixed clock (`--now`): what srcfn writes into the
request equals what Python's hmac/cryptography compute from the producer's documented scheme, the handler accepts
it in both modes, and every way a `sign` block can be wrong is a located error."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

import specbuild
from specbuild import spec
from srcfn.core.findings import Collector
from srcfn.emulator.fixtures import FixtureError, from_value
from srcfn.emulator.runner import Emulator, Options
from srcfn.signing import sign_fixtures

NOW = 1767225600  # 2026-01-01T00:00:00Z
SECRET = "s3cr3t-key"
KEY = bytes(range(32))
PAYLOAD = {"type": "object", "properties": {
    "id": {"type": "string"}, "n": {"type": "number"}, "ts": {"type": "integer"},
    "sig": {"type": "object", "properties": {"t": {"type": "string"}, "token": {"type": "string"},
                                             "v": {"type": "string"}}}}}
BODY = {"id": "e1", "n": 1.5, "sig": {"token": "tok"}}


def sorted_json(body: dict) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def value_with(signature: dict, settings: list | None = None) -> dict:
    return spec(settings=settings or [{"name": "secret", "label": "Secret", "type": "STRING", "sensitive": True}],
                webhook={"payload": PAYLOAD, "signature": {"secret_setting": "secret", **signature}},
                events=[{"name": "Thing Happened", "description": "x"}])


def fixture(sign: dict, body=None, raw=None, headers=None, settings=None, name="f"):
    request = {"headers": headers or {}}
    request |= {"raw": raw} if raw is not None else {"body": BODY if body is None else body}
    value = {"name": name, "request": request, "settings": settings or {"secret": SECRET}, "sign": sign}
    return from_value(value, Collector(name), name, name)


def signed(value: dict, fx, now=NOW):
    (out,) = sign_fixtures([fx], specbuild.load(value).spec.webhook.signature, {}, now)
    return out


def verdicts(value: dict, fx, now=NOW) -> list[str]:
    """The handler's outcome in the tester's and the deployed mode, the clock fixed at `now`."""
    out = []
    for deployed in (False, True):
        with Emulator(specbuild.handler(value), Options(deployed=deployed, now=now)) as emu:
            (result,) = emu.run([signed(value, fx, now)])
        out.append("ok" if result.error is None else f"{result.error['type']}: {result.error['message']}")
    return out


def mac(algorithm: str, data: str, key: bytes = SECRET.encode()) -> bytes:
    return hmac.new(key, data.encode(), getattr(hashlib, algorithm)).digest()


HEX256 = {"scheme": "hmac-sha256", "header": "X-Sig", "signed": "sorted_json", "prefix": "sha256="}
# block, sign, fixture settings, where srcfn writes (header name | "body:sig.v" | "query:name"), the expected value
CASES = {
    "hmac-sha256 hex, prefix": (HEX256, {}, None, "X-Sig", "sha256=" + mac("sha256", sorted_json(BODY)).hex()),
    "hmac-sha1 base64": ({**HEX256, "scheme": "hmac-sha1", "prefix": "", "encoding": "base64"}, {}, None, "X-Sig",
                         base64.b64encode(mac("sha1", sorted_json(BODY))).decode()),
    "hmac-sha512": ({**HEX256, "scheme": "hmac-sha512", "prefix": ""}, {}, None, "X-Sig",
                    mac("sha512", sorted_json(BODY)).hex()),
    "hex secret": ({**HEX256, "prefix": "", "secret_encoding": "hex"}, {}, {"secret": KEY.hex()}, "X-Sig",
                   mac("sha256", sorted_json(BODY), KEY).hex()),
    "whsec secret, svix list": (
        {**HEX256, "prefix": "", "encoding": "base64", "secret_encoding": "whsec",
         "format": {"items": " ", "pair": ",", "key": "v1"}}, {}, {"secret": "whsec_" + base64.b64encode(KEY).decode()},
        "X-Sig", "v1," + base64.b64encode(mac("sha256", sorted_json(BODY), KEY)).decode()),
    "header timestamp": (
        {"scheme": "hmac-sha256", "header": "X-Sig", "timestamp": {"header": "X-Time"},
         "signed": {"template": "v0:{header:X-Time}:{id}"}}, {"at": "now - 60 s"}, None, "X-Sig",
        mac("sha256", f"v0:{NOW - 60}:e1").hex()),
    "millisecond timestamp in the body": (
        {"scheme": "hmac-sha256", "header": "X-Sig", "timestamp": "ts", "timestamp_unit": "milliseconds",
         "signed": {"template": "{ts}.{n}"}}, {}, None, "X-Sig", mac("sha256", f"{NOW * 1000}.1.5").hex()),
    "mailgun body fields": (
        {"scheme": "hmac-sha256", "value": "sig.v", "timestamp": "sig.t", "signed": {"template": "{sig.t}{sig.token}"}},
        {"at": "now + 2 min"}, None, "body:sig.v", mac("sha256", f"{NOW + 120}tok").hex()),
    "request url": ({"scheme": "hmac-sha256", "header": "X-Sig", "signed": {"template": "{request:url}|{id}"}}, {},
                    None, "X-Sig", mac("sha256", "https://fn.segmentapis.com/?b=srcfn-emulator|e1").hex()),
    "timestamp and sorted body": (
        {"scheme": "hmac-sha256", "header": "X-Sig", "timestamp": {"header": "X-Time"},
         "signed": {"template": "{header:X-Time}.{request:sorted_json}"}}, {}, None, "X-Sig",
        mac("sha256", f"{NOW}.{sorted_json(BODY)}").hex()),
    "basic": ({"scheme": "basic"}, {}, {"secret": "user:pw"}, "Authorization",
              "Basic " + base64.b64encode(b"user:pw").decode()),
    "bearer": ({"scheme": "bearer", "header": "X-Auth"}, {}, None, "X-Auth", "Bearer " + SECRET),
    "query token": ({"scheme": "query_token", "query": "token"}, {}, None, "query:token", SECRET),
}


@pytest.mark.parametrize("case", CASES)
def test_sign_writes_what_the_producer_would_and_the_handler_accepts_it(case):
    block, sign, settings, where, expected = CASES[case]
    fx = fixture(sign, settings=settings)
    out = signed(value_with(block), fx)
    if where.startswith("body:"):
        assert json.loads(out.request["body"])["sig"]["v"] == expected
    elif where.startswith("query:"):
        assert dict(parse_qsl(urlsplit(out.request["url"]).query))[where[6:]] == expected
    else:
        assert out.request["headers"][where] == expected
    assert out.sign is None
    assert verdicts(value_with(block), fx) == ["ok", "ok"]


def test_twilio_form_parameters_are_signed_with_the_url_setting():
    block = {"scheme": "hmac-sha1", "header": "X-Twilio-Signature", "encoding": "base64",
             "signed": {"template": "{setting:url}{request:sorted_form}"}}
    settings = [{"name": "secret", "label": "Token", "type": "STRING", "sensitive": True},
                {"name": "url", "label": "URL", "type": "STRING"}]
    url = "https://fn.segmentapis.com/?b=x"
    form = [("To", "+1"), ("Body", "a b"), ("Media", "z"), ("Media", "y")]
    fx = fixture({}, raw=urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"},
                 settings={"secret": SECRET, "url": url})
    out = signed(value_with(block, settings), fx)
    assert out.request["headers"]["X-Twilio-Signature"] == base64.b64encode(
        mac("sha1", url + "Bodya bMediayMediazTo+1")).decode()
    assert parse_qsl(out.request["body"]) == form  # the form itself is sent as it was
    assert verdicts(value_with(block, settings), fx) == ["ok", "ok"]


@pytest.mark.parametrize("scheme", ["ed25519", "ecdsa-p256-sha256"])
def test_public_key_schemes_sign_with_the_fixtures_private_key(scheme):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    key = ed25519.Ed25519PrivateKey.generate() if scheme == "ed25519" else ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    block = {"scheme": scheme, "header": "X-Sig", "encoding": "base64", "timestamp": {"header": "X-Time"},
             "signed": {"template": "{header:X-Time}.{id}"}}
    fx = fixture({"private_key": private}, settings={"secret": public})
    out = signed(value_with(block), fx)
    signature = base64.b64decode(out.request["headers"]["X-Sig"])
    data = f"{NOW}.e1".encode()
    if scheme == "ed25519":
        key.public_key().verify(signature, data)  # raises when the signature is wrong
    else:
        key.public_key().verify(signature, data, ec.ECDSA(hashes.SHA256()))
    assert verdicts(value_with(block), fx) == ["ok", "ok"]


@pytest.mark.parametrize("at, clock, expected", [
    ("now", NOW, "ok"),
    ("now - 10 min", NOW, "ValidationError: The webhook's timestamp is more than 300 s from now"),
    ("now + 301s", NOW, "ValidationError: The webhook's timestamp is more than 300 s from now"),
    ("now - 5 min", NOW, "ok"),
    (NOW - 3600, NOW, "ValidationError: The webhook's timestamp is more than 300 s from now"),
    (NOW - 3600, NOW - 3500, "ok"),  # the fixed clock decides: signed at a fixed time, checked at another
])
def test_tolerance_windows_are_deterministic_with_a_fixed_clock(at, clock, expected):
    block = {"scheme": "hmac-sha256", "header": "X-Sig", "timestamp": {"header": "X-Time"},
             "signed": {"template": "{header:X-Time}.{id}"}}
    fx = fixture({"at": at})
    (out,) = sign_fixtures([fx], specbuild.load(value_with(block)).spec.webhook.signature, {}, clock)
    with Emulator(specbuild.handler(value_with(block)), Options(now=clock)) as emu:
        (result,) = emu.run([out])
    assert ("ok" if result.error is None else f"{result.error['type']}: {result.error['message']}") == expected


@pytest.mark.parametrize("block, sign, request_, settings, expected", [
    (None, {}, {}, None, "/sign: sign needs a webhook.signature in the spec to sign with"),
    (HEX256, {}, {}, {"other": "x"}, "/settings: sign needs the secret setting (the secret or key to sign with)"),
    (HEX256, {"at": "now"}, {}, None, "/sign/at: the spec's signature has no timestamp: remove at"),
    ({**HEX256, "timestamp": {"header": "X-Time"}}, {"at": "yesterday"}, {}, None,
     "/sign/at: 'yesterday': write now, now - N (s|min|h|d), now + N (s|min|h|d), or seconds since 1970"),
    (HEX256, {}, {"headers": {"x-sig": "stale"}}, None, "/request/headers/X-Sig: remove the X-Sig header: sign writes it"),
    ({"scheme": "query_token", "query": "token"}, {}, {"url": "https://h.example/?token=old"}, None,
     "/request/query: remove the token query parameter: sign writes it"),
    ({"scheme": "hmac-sha256", "value": "sig.v", "signed": {"template": "{sig.token}"}}, {},
     {"body": {"sig": {"token": "t", "v": "old"}}}, None, "/request/body: remove sig.v from the body: sign writes it"),
    ({**HEX256, "scheme": "ed25519"}, {}, {}, None,
     "/sign: ed25519 is signed with the producer's private key: give it as sign.private_key (PEM)"),
    ({**HEX256, "scheme": "ed25519"}, {"private_key": "not a key"}, {}, None, "/sign/private_key: not a PEM private key"),
    ({**HEX256, "signed": {"lookup": "id", "table": {"e1": "x"}}}, {}, {}, None,
     "/sign: sign cannot evaluate the spec's /webhook/signature/signed"),
    ({**HEX256}, {}, {"raw": "not json"}, None,
     "/request/body: the body is not JSON: sign cannot read or write its fields"),
])
def test_a_fixture_that_cannot_be_signed_is_a_located_error(block, sign, request_, settings, expected, tmp_path):
    value = value_with(block) if block else spec(webhook={"payload": PAYLOAD},
                                                 events=[{"name": "Thing Happened", "description": "x"}])
    body = {"request": {"headers": {}, "body": BODY, **request_}, "settings": settings or {"secret": SECRET},
            "sign": sign}
    if "raw" in request_:
        del body["request"]["body"]
    path = tmp_path / "f.json"
    path.write_text(json.dumps(body, indent=2))
    from srcfn.emulator.fixtures import load_fixture
    with pytest.raises(FixtureError) as caught:
        sign_fixtures([load_fixture(path)], specbuild.load(value).spec.webhook.signature, {}, NOW)
    (finding,) = caught.value.findings
    assert f"{finding.pointer}: {finding.message}".startswith(expected)
    assert finding.file == str(path) and finding.line > 1  # located in the fixture file


def test_the_emulator_refuses_a_fixture_that_was_not_signed():
    with Emulator(specbuild.handler(value_with(HEX256)), Options()) as emu, pytest.raises(FixtureError) as caught:
        list(emu.run([fixture({})]))
    assert caught.value.findings[0].message.startswith("this fixture is signed when it runs")


def test_cli_signs_fixtures_and_fixes_the_clock(cli, tmp_path):
    """`srcfn test --now`: the mailgun example's fixtures signed now, ten minutes ago and ahead, at a fixed time;
    a handler file given to `emulate` cannot sign (it has no spec)."""
    args = ["--specs", "examples/signatures", "--build", "examples/build/signatures"]
    at_fixed = cli("test", "mailgun", *args, "--now", "2020-02-02T00:00:00Z")
    assert at_fixed.exit_code == 0 and "mailgun: 6 fixtures, 6 passed" in at_fixed.stdout
    emulated = cli("emulate", "mailgun", "examples/signatures/mailgun/fixtures/valid.json", *args,
                   "--now", "1580601600", "--json")
    call = json.loads(emulated.stdout)
    assert emulated.exit_code == 0 and call["ok"] and call["calls"][0]["event"] == "Webhook Received"
    from_file = cli("emulate", "examples/build/signatures/mailgun/handler.js",
                    "examples/signatures/mailgun/fixtures/valid.json")
    assert from_file.exit_code == 2
    assert "valid.json is signed when it runs, with its spec's webhook.signature: run `srcfn emulate SLUG`" \
        in from_file.stderr


def test_signing_the_request_url_warns_that_production_may_differ():
    loaded = specbuild.load(value_with({"scheme": "hmac-sha256", "header": "X-Sig",
                                        "signed": {"template": "{request:url}|{id}"}}))
    assert [f"{w.pointer}: {w.message}" for w in loaded.warnings] == [
        "/webhook/signature/signed/template: Segment does not document the URL a deployed function's request carries: "
        "a signature over {request: url} may fail in production; sign a setting holding the webhook URL instead "
        "({setting: webhookUrl})"]


def test_sorted_json_is_written_as_javascript_writes_it():
    """1.0 is 1, integers past 2^53 round as doubles, array-index keys come first in numeric order, and keys sort
    by UTF-16 code units (an astral character before U+FFFD): else the handler's JSON.stringify would differ."""
    body = {"z": 1.0, "10": "ten", "9": "nine", "big": 12345678901234567891, "small": 1e-7, "\ufffd": 1, "😀": 2,
            "nested": {"b": [0.5, 100.0, {"y": 2, "x": 1}]}}
    fx = fixture({}, body=body)
    block = {"scheme": "hmac-sha256", "header": "X-Sig", "signed": "sorted_json"}
    out = signed(value_with(block), fx)
    text = '{"9":"nine","10":"ten","big":12345678901234567000,"nested":{"b":[0.5,100,{"x":1,"y":2}]},' \
           '"small":1e-7,"z":1,"😀":2,"\ufffd":1}'
    assert out.request["headers"]["X-Sig"] == mac("sha256", text).hex()
    assert verdicts(value_with(block), fx) == ["ok", "ok"]
