"""Each folder of tests/cases/invalid/ is a spec with one defect and the exact message it must produce.

A new case needs only a new folder: `source.yaml` (or `source.json`) and `expected.txt`.
"""
from __future__ import annotations

import pytest

from conftest import ROOT

CASES = ROOT / "tests" / "cases" / "invalid"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def test_there_are_enough_distinct_cases():
    assert len(NAMES) >= 12


@pytest.mark.parametrize("case", NAMES)
def test_bad_spec_gives_one_located_message_and_exit_2(cli, case):
    result = cli("check", "--specs", "tests/cases/invalid", case)
    expected = (CASES / case / "expected.txt").read_text(encoding="utf-8")
    assert result.exit_code == 2
    assert result.stderr == expected
    located = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(located) == 1
    assert located[0].startswith(f"tests/cases/invalid/{case}/source.")
    assert "Traceback" not in result.output


def test_generate_writes_nothing_for_a_bad_spec(cli, tmp_path):
    result = cli("generate", "--specs", str(CASES), "--build", str(tmp_path / "out"), "unknown-key")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_errors_of_several_files_are_reported_together(cli):
    result = cli("check", "--specs", "tests/cases/invalid", "bad-email", "wrong-type")
    assert result.exit_code == 2
    assert "bad-email/source.yaml:6:16" in result.stderr
    assert "wrong-type/source.yaml:10:49" in result.stderr
    assert result.stderr.rstrip().endswith("srcfn: 2 errors; nothing was written.")


def test_missing_spec_folder_is_a_usage_error(cli):
    result = cli("check", "--specs", "tests/cases/invalid", "no-such-source")
    assert result.exit_code == 2
    assert "no spec for 'no-such-source'" in result.stderr


def test_missing_specs_dir_is_a_usage_error(cli, tmp_path):
    result = cli("generate", "--specs", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "specs folder not found" in result.stderr
