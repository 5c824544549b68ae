"""Webhook authenticity: each scheme against signatures computed independently in Python, in both the tester's
and the deployed mode; and the schemes that cannot hold in production refused when the spec loads."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

import specbuild
from conftest import ROOT
from specbuild import errors, spec
from srcfn.core.findings import InputError
from srcfn.generator.loader import load_spec_text

SECRET = "s3cr3t-key"
SETTINGS = {"secret": SECRET}
PAYLOAD = {"type": "object", "properties": {
    "id": {"type": "string"}, "z": {"type": "integer"}, "a": {"type": "string"},
    "signature": {"type": "object", "properties": {
        "timestamp": {"type": "string"}, "token": {"type": "string"}, "signature": {"type": "string"}}}}}
BODY = {"z": 1, "id": "e1", "a": "x"}


def sorted_json(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def mac(algorithm: str, data: bytes, secret: str = SECRET) -> bytes:
    return hmac.new(secret.encode(), data, getattr(hashlib, algorithm)).digest()


def value_with(signature: dict) -> dict:
    return spec(settings=[{"name": "secret", "label": "Secret", "type": "STRING", "sensitive": True}],
                webhook={"payload": PAYLOAD, "signature": {"secret_setting": "secret", **signature}},
                events=[{"name": "Thing Happened", "description": "x"}])


def outcome(value: dict, deployed: bool, **request) -> str:
    (result,) = specbuild.run(value, dict(settings=SETTINGS, **request), deployed=deployed)
    return "ok" if result.error is None else f"{result.error['type']}: {result.error['message']}"


# scheme block, a function giving the headers/query/body of a request signed with `secret` (and a time)
SIGNED_HEADER = {"scheme": "hmac-sha256", "header": "X-Sig", "signed": "sorted_json", "prefix": "sha256="}


def header_request(secret=SECRET, body=BODY, **_):
    return {"body": body, "headers": {"X-Sig": "sha256=" + mac("sha256", sorted_json(BODY), secret).hex()}}


def mailgun_request(secret=SECRET, body=BODY, at=None, **_):
    stamp = str(int(at if at is not None else time.time()))
    sig = mac("sha256", f"{stamp}tok123".encode(), secret).hex()
    return {"body": {**body, "signature": {"timestamp": stamp, "token": "tok123", "signature": sig}}}


MAILGUN = {"scheme": "hmac-sha256", "value": "signature.signature",
           "signed": {"template": "{signature.timestamp}{signature.token}"}, "timestamp": "signature.timestamp",
           "tolerance_seconds": 300}


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
@pytest.mark.parametrize("scheme, make, broken, expected", [
    (SIGNED_HEADER, header_request, {}, "ok"),
    (SIGNED_HEADER, header_request, {"secret": "wrong"}, "ValidationError: Invalid X-Sig signature"),
    (SIGNED_HEADER, header_request, {"body": {**BODY, "z": 2}}, "ValidationError: Invalid X-Sig signature"),
    ({**SIGNED_HEADER, "scheme": "hmac-sha1", "encoding": "base64", "prefix": ""},
     lambda secret=SECRET, body=BODY, **_: {"body": body, "headers": {
         "X-Sig": base64.b64encode(mac("sha1", sorted_json(BODY), secret)).decode()}}, {}, "ok"),
    ({**SIGNED_HEADER, "scheme": "hmac-sha512", "prefix": ""},
     lambda secret=SECRET, body=BODY, **_: {"body": body, "headers": {
         "X-Sig": mac("sha512", sorted_json(BODY), secret).hex()}}, {}, "ok"),
    (MAILGUN, mailgun_request, {}, "ok"),
    (MAILGUN, mailgun_request, {"secret": "wrong"}, "ValidationError: Invalid signature.signature signature"),
    (MAILGUN, mailgun_request, {"at": time.time() - 3600},
     "ValidationError: The webhook's timestamp is more than 300 s from now"),
    (MAILGUN, mailgun_request, {"at": time.time() + 3600},
     "ValidationError: The webhook's timestamp is more than 300 s from now"),
    ({"scheme": "basic"}, lambda secret=SECRET, body=BODY, **_: {"body": body, "headers": {
        "Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}}, {}, "ok"),
    ({"scheme": "basic"}, lambda secret=SECRET, body=BODY, **_: {"body": body, "headers": {
        "Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}}, {"secret": "x"},
     "ValidationError: Invalid Authorization header"),
    ({"scheme": "bearer"}, lambda secret=SECRET, body=BODY, **_: {"body": body, "headers": {
        "Authorization": "Bearer " + secret}}, {}, "ok"),
    ({"scheme": "bearer"}, lambda secret=SECRET, body=BODY, **_: {"body": body, "headers": {
        "Authorization": "bearer " + secret}}, {}, "ValidationError: Invalid Authorization header"),
    ({"scheme": "query_token", "query": "token"}, lambda secret=SECRET, body=BODY, **_: {
        "body": body, "query": {"token": secret}}, {}, "ok"),
    ({"scheme": "query_token", "query": "token"}, lambda secret=SECRET, body=BODY, **_: {"body": body}, {},
     "ValidationError: Missing token query parameter"),
    (SIGNED_HEADER, lambda **_: {"body": BODY}, {}, "ValidationError: Missing X-Sig header"),
    (SIGNED_HEADER, lambda **_: {"body": BODY, "headers": {"X-Sig": "not hex at all"}}, {},
     "ValidationError: Invalid X-Sig signature"),
])
def test_signature_schemes_against_independently_computed_signatures(scheme, make, broken, expected, deployed):
    assert outcome(value_with(scheme), deployed, **make(**broken)) == expected


KEY = bytes(range(32))
STRIPE_LIST = {**SIGNED_HEADER, "prefix": "", "format": {"items": ",", "pair": "=", "key": "v1"}}
SVIX_LIST = {**SIGNED_HEADER, "prefix": "", "encoding": "base64", "secret_encoding": "whsec",
             "format": {"items": " ", "pair": ",", "key": "v1"}}


def stripe_header(*secrets: str, key: str = "v1") -> dict:
    sigs = ",".join(f"{key}={mac('sha256', sorted_json(BODY), sec).hex()}" for sec in secrets)
    return {"body": BODY, "headers": {"X-Sig": f"t=1767225600,{sigs}"}}


def svix_header(*keys: bytes) -> dict:
    sigs = " ".join("v1," + base64.b64encode(hmac.new(k, sorted_json(BODY), hashlib.sha256).digest()).decode()
                    for k in keys)
    return {"body": BODY, "headers": {"X-Sig": sigs}}


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
@pytest.mark.parametrize("scheme, request_, settings, expected", [
    (STRIPE_LIST, stripe_header(SECRET), SETTINGS, "ok"),
    (STRIPE_LIST, stripe_header("old-secret", SECRET), SETTINGS, "ok"),  # rotation: the second is valid
    (STRIPE_LIST, stripe_header("old-secret", "older"), SETTINGS, "ValidationError: Invalid X-Sig signature"),
    (STRIPE_LIST, stripe_header(SECRET, key="v0"), SETTINGS, "ValidationError: Invalid X-Sig signature"),
    (STRIPE_LIST, {"body": BODY, "headers": {"X-Sig": "garbage"}}, SETTINGS, "ValidationError: Invalid X-Sig signature"),
    (SVIX_LIST, svix_header(b"x" * 32, KEY), {"secret": "whsec_" + base64.b64encode(KEY).decode()}, "ok"),
    (SVIX_LIST, svix_header(b"x" * 32), {"secret": "whsec_" + base64.b64encode(KEY).decode()},
     "ValidationError: Invalid X-Sig signature"),
    ({**SIGNED_HEADER, "prefix": "", "secret_encoding": "hex"},
     {"body": BODY, "headers": {"X-Sig": hmac.new(KEY, sorted_json(BODY), hashlib.sha256).hexdigest()}},
     {"secret": KEY.hex()}, "ok"),
])
def test_signature_lists_rotation_and_encoded_secrets(scheme, request_, settings, expected, deployed):
    (result,) = specbuild.run(value_with(scheme), dict(settings=settings, **request_), deployed=deployed)
    assert ("ok" if result.error is None else f"{result.error['type']}: {result.error['message']}") == expected


URL = "https://fn.segmentapis.com/?b=abc"
FORM = [("To", "+15550002222"), ("From", "+15550001111"), ("Body", "Hi & bye"), ("Media", "b"), ("Media", "a"),
        ("Media", "b")]


def twilio_signature(params: list, secret: str = SECRET, url: str = URL) -> str:
    """Twilio's scheme, written from its documentation: the URL, then each parameter name sorted, followed by its
    value (a repeated name: its distinct values, sorted); base64 HMAC-SHA1 with the auth token."""
    values: dict[str, set] = {}
    for name, value in params:
        values.setdefault(name, set()).add(value)
    data = url + "".join(name + v for name in sorted(values) for v in sorted(values[name]))
    return base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio_spec() -> dict:
    return spec(settings=[{"name": "secret", "label": "Auth token", "type": "STRING", "sensitive": True},
                          {"name": "url", "label": "Webhook URL", "type": "STRING"}],
                webhook={"payload": {"type": "object", "properties": {
                             "From": {"type": "string"}, "Media": {"type": ["string", "array"]}}},
                         "signature": {"scheme": "hmac-sha1", "header": "X-Twilio-Signature", "encoding": "base64",
                                       "secret_setting": "secret",
                                       "signed": {"template": "{setting:url}{request:sorted_form}"}}},
                events=[{"name": "Thing Happened", "description": "x"}])


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
@pytest.mark.parametrize("case, expected", [
    ("valid", "ok"),
    ("wrong-secret", "ValidationError: Invalid X-Twilio-Signature signature"),
    ("tampered", "ValidationError: Invalid X-Twilio-Signature signature"),
    ("other-url", "ValidationError: Invalid X-Twilio-Signature signature"),
    ("missing", "ValidationError: Missing X-Twilio-Signature header"),
    ("malformed", "ValidationError: Invalid X-Twilio-Signature signature"),
])
def test_twilio_url_and_sorted_form_parameters(case, expected, deployed):
    from urllib.parse import urlencode
    sent = FORM + [("Body", "x")] if case == "tampered" else FORM
    signature = {"wrong-secret": twilio_signature(FORM, "wrong"), "malformed": "%%%",
                 "other-url": twilio_signature(FORM, url=URL + "x")}.get(case, twilio_signature(FORM))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if case != "missing":
        headers["X-Twilio-Signature"] = signature
    (result,) = specbuild.run(twilio_spec(), dict(settings={"secret": SECRET, "url": URL}, raw=urlencode(sent),
                                                  headers=headers), deployed=deployed)
    assert ("ok" if result.error is None else f"{result.error['type']}: {result.error['message']}") == expected


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
@pytest.mark.parametrize("offset, expected", [
    (0, "ok"), (-301, "ValidationError: The webhook's timestamp is more than 300 s from now"),
    (301, "ValidationError: The webhook's timestamp is more than 300 s from now"),
])
def test_millisecond_timestamps(offset, expected, deployed):
    block = {"scheme": "hmac-sha256", "header": "X-Sig", "timestamp": {"header": "X-Time"},
             "timestamp_unit": "milliseconds", "signed": {"template": "{header:X-Time}.{id}"}}
    stamp = str(int((time.time() + offset) * 1000))
    sig = mac("sha256", f"{stamp}.e1".encode()).hex()
    assert outcome(value_with(block), deployed, body=BODY, headers={"X-Sig": sig, "X-Time": stamp}) == expected


def test_an_empty_secret_setting_is_named():
    (result,) = specbuild.run(value_with(SIGNED_HEADER), dict(settings={"secret": ""}, **header_request()))
    assert result.error["message"] == "The secret setting is empty: cannot verify the webhook signature"


@pytest.mark.parametrize("signature, expected", [
    ({"scheme": "hmac-sha256", "header": "X-Sig"}, "/webhook/signature: a signature over the raw JSON body fails in "
                                                   "production: deployed Source Functions receive the JSON body"),
    ({"scheme": "hmac-sha256", "header": "X-Sig", "signed": "raw"}, "/webhook/signature/signed: a signature over the "
                                                                    "raw JSON body fails in production"),
    ({"scheme": "hmac-sha256", "signed": "sorted_json"},
     "/webhook/signature: say where the signature is: header (a header name) or value (a body field)"),
    ({"scheme": "bearer", "prefix": "x"}, "/webhook/signature/prefix: bearer compares a shared secret: it takes no prefix"),
    ({"scheme": "query_token"}, "/webhook/signature: query_token needs query: the query parameter that holds the secret"),
    ({"scheme": "hmac-sha256", "value": "signature.nope", "signed": "sorted_json"},
     "/webhook/signature/value: 'signature.nope' names no field declared by the webhook payload schema"),
])
def test_signature_misuse_is_a_located_error(signature, expected):
    (found,) = errors(value_with(signature))
    assert found.startswith(expected)


# Each producer's own scheme, where it signs the raw body: what examples/signatures/<slug> replaces, and why.
RAW_SCHEMES = {
    "github": {"scheme": "hmac-sha256", "header": "X-Hub-Signature-256", "prefix": "sha256="},
    "stripe": {"scheme": "hmac-sha256", "header": "Stripe-Signature"},
    "shopify": {"scheme": "hmac-sha256", "header": "X-Shopify-Hmac-Sha256", "encoding": "base64"},
    "typeform": {"scheme": "hmac-sha256", "header": "Typeform-Signature", "encoding": "base64", "prefix": "sha256="},
    "slack": {"scheme": "hmac-sha256", "header": "X-Slack-Signature", "prefix": "v0=", "signed": "raw"},
}
EXAMPLES = ROOT / "examples" / "signatures"


@pytest.mark.parametrize("slug", RAW_SCHEMES)
def test_a_producers_raw_body_scheme_is_refused_where_its_example_uses_a_safe_one(slug):
    text = (EXAMPLES / slug / "source.yaml").read_text(encoding="utf-8")
    assert "scheme: query_token" in text.replace('"', "").replace("{", " ").replace(",", "")
    raw = {**RAW_SCHEMES[slug], "secret_setting": "webhookSecret"}
    lines = [f"  signature: {json.dumps(raw)}" if ln.startswith("  signature:") else ln for ln in text.splitlines()]
    try:
        load_spec_text("\n".join(lines) + "\n", f"{slug}/source.yaml", slug)
    except InputError as exc:
        (finding,) = exc.findings
        assert finding.pointer.startswith("/webhook/signature")
        assert finding.message.startswith("a signature over the raw JSON body fails in production: deployed Source "
                                          "Functions receive the JSON body with its keys sorted alphabetically")
    else:
        pytest.fail("the raw-body scheme loaded")


def test_no_secret_or_signature_appears_in_any_output(cli, tmp_path):
    secrets = {"whsec-test-0123456789", base64.b64encode(b"segment:whsec-test-0123456789").decode()}
    for fixture in EXAMPLES.glob("*/fixtures/valid.json"):
        request = json.loads(fixture.read_text())["request"]
        secrets |= {v for v in request.get("body", {}).get("signature", {}).values() if len(v) == 64}
        secrets |= {v for k, v in request["headers"].items() if "signature" in k.lower()}
    now = 1767225600  # Mailgun's fixtures are signed when they run: at this time, this signature
    secrets.add(mac("sha256", f"{now}4f0b2c3e9a".encode(), "whsec-test-0123456789").hex())
    assert len(secrets) == 4  # the secret, the Basic credential, Mailgun's and Twilio's signatures
    args = ["--specs", "examples/signatures", "--build", "examples/build/signatures", "--now", str(now)]
    runs = [cli("check", *args), cli("test", "-v", *args),
            cli("generate", "--specs", "examples/signatures", "--build", str(tmp_path / "build")),
            *[cli("emulate", slug, *map(str, sorted((EXAMPLES / slug / "fixtures").glob("*.json"))), "--json", *args)
              for slug in ("mailgun", "twilio", "github")]]
    assert all(r.exit_code == 0 for r in runs[:3])
    output = "".join(r.stdout + r.stderr for r in runs)
    assert "Missing Authorization header" in output and "webhook_type" in output  # the runs did print results
    assert [s for s in secrets if s in output] == []


def _keys():
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    ed, ecdsa = ed25519.Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())
    other = ed25519.Ed25519PrivateKey.generate()
    pem = lambda k: k.public_key().public_bytes(serialization.Encoding.PEM,  # noqa: E731
                                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    der = lambda k: base64.b64encode(k.public_key().public_bytes(  # noqa: E731
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    sign = {"ed25519": lambda k, data: k.sign(data),
            "ecdsa-p256-sha256": lambda k, data: k.sign(data, ec.ECDSA(hashes.SHA256()))}
    return {"ed25519": (ed, other, pem(ed), der(ed)), "ecdsa-p256-sha256": (ecdsa, other, pem(ecdsa), der(ecdsa))}, sign


KEYS, SIGN = _keys()


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
@pytest.mark.parametrize("scheme", ["ed25519", "ecdsa-p256-sha256"])
@pytest.mark.parametrize("case, expected", [
    ("valid-pem", "ok"), ("valid-der", "ok"), ("other-key", "ValidationError: Invalid X-Sig signature"),
    ("tampered", "ValidationError: Invalid X-Sig signature"), ("malformed", "ValidationError: Invalid X-Sig signature"),
    ("rotation", "ok"),
])
def test_public_key_signatures(scheme, case, expected, deployed):
    key, other, pem, der = KEYS[scheme]
    signer = other if case == "other-key" and scheme == "ed25519" else key
    signed = sorted_json({**BODY, "z": 2} if case == "tampered" else BODY)
    sig = base64.b64encode(SIGN[scheme](signer, signed)).decode() if not (case == "other-key" and scheme != "ed25519") \
        else base64.b64encode(SIGN["ed25519"](other, signed)).decode()
    header = {"malformed": "%%%", "rotation": f"v1,AAAA v1,{sig}"}.get(case, f"v1,{sig}")
    block = {"scheme": scheme, "header": "X-Sig", "signed": "sorted_json", "encoding": "base64",
             "format": {"items": " ", "pair": ",", "key": "v1"}}
    settings = {"secret": der if case == "valid-der" else pem}
    (result,) = specbuild.run(value_with(block), dict(settings=settings, body=BODY, headers={"X-Sig": header}),
                              deployed=deployed)
    assert ("ok" if result.error is None else f"{result.error['type']}: {result.error['message']}") == expected


@pytest.mark.parametrize("slug, note", [
    ("twilio", "an HMAC-SHA1 signature keyed with the **Auth token** setting in the `X-Twilio-Signature` header"),
    ("mailgun", "an HMAC-SHA256 signature keyed with the **Webhook secret** setting in the `signature.signature` field"),
    ("github", "a `token` query parameter equal to the **Webhook secret** setting: add `&token=` and its value to the "
               "webhook URL"),
    ("sendgrid", "HTTP Basic credentials (`user:password`) equal to the **Webhook secret** setting in the "
                 "`Authorization` header"),
    ("zendesk", "a `Bearer` token equal to the **Webhook secret** setting in the `Authorization` header"),
])
def test_the_page_says_what_a_webhook_must_carry(slug, note):
    page = (EXAMPLES.parent / "build" / "signatures" / slug / "index.md").read_text(encoding="utf-8")
    step = page.split("the destination of Acme for ")[1].split("\n\n")[0]
    assert step.splitlines()[1] == f"   - The source accepts only the webhooks that carry {note}; it rejects the others."


@pytest.mark.parametrize("deployed", [False, True], ids=["tester", "deployed"])
@pytest.mark.parametrize("scheme", ["ed25519", "ecdsa-p256-sha256"])
@pytest.mark.parametrize("case, expected", [
    ("now", "ok"), ("expired", "ValidationError: The webhook's timestamp is more than 300 s from now"),
    ("future", "ValidationError: The webhook's timestamp is more than 300 s from now"),
    ("missing", "ValidationError: Missing X-Sig header"),
])
def test_public_key_signatures_over_a_timestamp(scheme, case, expected, deployed):
    """SendGrid's shape: the signature covers a timestamp header and the (here: sorted) body."""
    key, _, pem, _ = KEYS[scheme]
    stamp = str(int(time.time()) + {"expired": -600, "future": 600}.get(case, 0))
    signature = base64.b64encode(SIGN[scheme](key, (stamp + sorted_json(BODY).decode()).encode())).decode()
    block = {"scheme": scheme, "header": "X-Sig", "encoding": "base64", "timestamp": {"header": "X-Time"},
             "signed": {"template": "{header:X-Time}{request:sorted_json}"}}
    headers = {"X-Time": stamp} | ({} if case == "missing" else {"X-Sig": signature})
    (result,) = specbuild.run(value_with(block), dict(settings={"secret": pem}, body=BODY, headers=headers),
                              deployed=deployed)
    assert ("ok" if result.error is None else f"{result.error['type']}: {result.error['message']}") == expected
