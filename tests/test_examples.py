"""The shipped examples: every spec under examples/ is valid, its build is up to date and its fixtures pass."""
from __future__ import annotations

import pytest

from conftest import ROOT

GROUPS = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir() and p.name != "build")


def test_there_are_examples():
    assert "functions-library" in GROUPS


@pytest.mark.parametrize("group", GROUPS)
def test_examples_check_clean(cli, group):
    result = cli("check", "--specs", f"examples/{group}", "--build", f"examples/build/{group}")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "build/ up to date" in result.stdout
    fixtures = sum(1 for _ in (ROOT / "examples" / group).glob("*/fixtures/*.json"))
    assert f"{fixtures}/{fixtures} fixtures pass" in result.stdout
