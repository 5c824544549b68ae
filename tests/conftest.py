"""Shared test fixtures: the repository root, a CLI runner, a copy of the shipped specs and build, and
handlers written inline run through the emulator."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from srcfn.emulator.fixtures import webhook
from srcfn.emulator.runner import Emulator, Options
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


@pytest.fixture
def run_handler(tmp_path: Path):
    """run_handler(js, *fixtures_or_kwargs, **options) → list of Results (one Emulator per call)."""
    def run(source: str, *fixtures, **options):
        handler = tmp_path / "handler.js"
        handler.write_text(textwrap.dedent(source), encoding="utf-8")
        items = [f if not isinstance(f, dict) else webhook(**f) for f in fixtures] or [webhook({"a": 1})]
        with Emulator(handler, Options(**options)) as emu:
            return list(emu.run(items))
    return run


@pytest.fixture
def one(run_handler):
    """one(js, **webhook_kwargs) → the single Result."""
    def run(source: str, options: dict | None = None, **request):
        request.setdefault("body", {"a": 1})
        return run_handler(source, request, **(options or {}))[0]
    return run
