"""Every gate runs each fixture as Segment's tester sends it and as a deployed function receives it (body keys
sorted): a fixture that passes in only one mode fails, naming it."""
from __future__ import annotations

import json

import specbuild

# The property copies the body's `order` object as JSON text: its key order is what the function received.
VALUE = specbuild.spec(
    webhook={"payload": {"type": "object", "properties": {"order": {"type": "object"}}}},
    events=[{"name": "Order Placed", "description": "An order.", "properties": ["order_json"]}],
    properties={"order_json": {"description": "The order as JSON.", "from": {"json_encode": "order"}}})
BODY = {"order": {"zeta": 1, "alpha": 2}}
AS_SENT = '{"zeta":1,"alpha":2}'


def project(tmp_path, expected_json: str):
    folder = tmp_path / "specs" / "acme"
    (folder / "fixtures").mkdir(parents=True)
    (folder / "source.json").write_text(json.dumps(VALUE), encoding="utf-8")
    call = {"type": "track", "event": "Order Placed", "userId": "u1", "properties": {"order_json": expected_json},
            "context": {"integration": {"name": "Acme", "version": "1.0.0"}}}
    fixture = {"name": "order", "request": {"body": BODY}, "expect": {"calls": [call]}}
    (folder / "fixtures" / "order.json").write_text(json.dumps(fixture), encoding="utf-8")
    return tmp_path


def test_check_fails_a_fixture_that_passes_only_in_the_tester(cli, tmp_path):
    root = project(tmp_path, AS_SENT)
    assert cli("generate", cwd=root).exit_code == 0
    result = cli("check", cwd=root)
    assert result.exit_code == 1
    assert "passes in Segment's tester but fails as a deployed function receives it (body keys sorted)" in result.stdout
    assert '-        "order_json": "{\\"zeta\\":1,\\"alpha\\":2}"\n+        "order_json": "{\\"alpha\\":2,\\"zeta\\":1}"' in result.stdout
    assert "0/1 fixtures pass" in result.stdout


def test_test_fails_it_too_and_update_leaves_the_expectation_alone(cli, tmp_path):
    root = project(tmp_path, AS_SENT)
    cli("generate", cwd=root)
    before = (root / "specs/acme/fixtures/order.json").read_text()
    result = cli("test", "--update", cwd=root)
    assert result.exit_code == 1
    assert "fails as a deployed function receives it" in result.stdout
    assert (root / "specs/acme/fixtures/order.json").read_text() == before


def test_a_fixture_that_passes_only_when_deployed_names_the_tester(cli, tmp_path):
    root = project(tmp_path, '{"alpha":2,"zeta":1}')
    cli("generate", cwd=root)
    result = cli("check", cwd=root)
    assert result.exit_code == 1
    assert "passes as a deployed function receives it (body keys sorted) but fails in Segment's tester" in result.stdout


def test_deploy_refuses_a_fixture_that_passes_only_in_the_tester(cli, tmp_path, monkeypatch):
    import responses
    root = project(tmp_path, AS_SENT)
    cli("generate", cwd=root)
    monkeypatch.setenv("SEGMENT_PUBLIC_API_TOKEN", "sgp_test")
    with responses.RequestsMock() as api:  # nothing may reach Segment
        result = cli("deploy", "acme", "--dry-run", cwd=root)
        assert len(api.calls) == 0
    assert result.exit_code == 1
    assert "passes in Segment's tester but fails as a deployed function receives it (body keys sorted)" in result.stdout
    assert "refusing to deploy acme: 1 of 1 fixtures fail" in result.stderr
