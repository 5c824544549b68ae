"""Documents (specs, fixtures, settings) in YAML or JSON: JSON indented with tabs loads, with exact locations."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from srcfn.core.documents import load_document, load_text
from srcfn.core.findings import InputError
from srcfn.emulator.fixtures import FixtureError, load_fixture
from srcfn.generator.loader import load_spec


def test_a_tab_indented_fixture_loads(tmp_path):
    body = {"type": "email_opened", "customer": {"email": "ada@example.com"}}
    path = tmp_path / "tabs.json"
    path.write_text(json.dumps({"request": {"body": body}}, indent="\t"))
    fixture = load_fixture(path)
    assert json.loads(fixture.request["body"]) == body


def test_a_tab_indented_fixture_error_is_located(tmp_path):
    path = tmp_path / "tabs.json"
    path.write_text('{\n\t"request": {\n\t\t"body": {},\n\t\t"raw": "x"\n\t},\n\t"expect": {"calls": 5}\n}\n')
    with pytest.raises(FixtureError) as caught:
        load_fixture(path, "tabs.json")
    assert [f.format() for f in caught.value.findings] == [
        "tabs.json:2:2: error: /request: give either body (JSON) or raw (text), not both",
        "tabs.json:6:13: error: /expect/calls: must be a list",
    ]


def test_a_tab_indented_json_spec_loads_and_its_errors_are_located(tmp_path):
    spec = load_document(ROOT / "specs" / "yotpo" / "source.yaml").value
    folder = tmp_path / "yotpo"
    folder.mkdir()
    (folder / "source.json").write_text(json.dumps(spec, indent="\t"))
    assert load_spec(folder / "source.json").spec.source.name == "Yotpo"
    spec["source"]["nmae"] = "typo"
    text = json.dumps(spec, indent="\t")
    (folder / "source.json").write_text(text)
    with pytest.raises(InputError) as caught:
        load_spec(folder / "source.json", "source.json")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"nmae"' in row)
    assert [f.format() for f in caught.value.findings] == [
        f"source.json:{line}:3: error: /source/nmae: unknown key 'nmae'; did you mean 'name'?"]


def test_json_values_come_from_the_json_module():
    """YAML would read the escaped surrogate pair as two lone surrogates."""
    doc = load_text('{"smile": "\\ud83d\\ude00", "slash": "a\\/b"}', "x.json", json_syntax=True)
    assert doc.value == {"smile": "\U0001F600", "slash": "a/b"}
    assert doc.positions["/smile"] == (1, 2)


def test_duplicate_keys_in_json_are_located_errors():
    with pytest.raises(InputError) as caught:
        load_text('{\n\t"a": 1,\n\t"a": 2\n}', "dup.json", json_syntax=True)
    assert [f.format() for f in caught.value.findings] == ["dup.json:3:2: error: /a: duplicate key 'a'"]
