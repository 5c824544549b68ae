"""Shared test fixtures: the repository root, a CLI runner, a copy of the shipped specs and build."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from srcfn.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli(monkeypatch):
    """Run `srcfn ARGS` in-process from a working directory; returns click's Result."""
    def run(*args: str, cwd: Path = ROOT):
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of specs/ and build/, to edit without touching the repository."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "build", tmp_path / "build", ignore=shutil.ignore_patterns("lib", "bdist*"))
    return tmp_path
