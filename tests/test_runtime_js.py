"""The handler runtime (generator/runtime/*.js): syntax-checked, and unit-tested with Node's own test runner
(tests/runtime/*.test.js)."""
from __future__ import annotations

import subprocess

import pytest

from conftest import ROOT
from srcfn.emulator.node import find_node, node_check

RUNTIME = sorted((ROOT / "generator" / "runtime").glob("*.js"))


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: p.name)
def test_runtime_file_is_valid_javascript(path):
    checked = node_check(path)
    assert checked.returncode == 0, checked.stderr


def test_runtime_unit_tests_pass_under_node_test():
    tests = sorted(str(p) for p in (ROOT / "tests" / "runtime").glob("*.test.js"))
    assert len(tests) >= 2
    run = subprocess.run([find_node(), "--test", *tests], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
