"""One import package with clear rooms: the wheel installs only `srcfn`, each room imports only what the design
allows, a user's own `generator/` or `emulator/` folder cannot shadow srcfn, and Segment's facts live once."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

ROOMS = ("srcfn", "core", "generator", "emulator", "clients")
# The rooms each room may import (besides itself). The CLI (srcfn/) combines them all.
ALLOWED = {"core": set(), "generator": {"core"}, "emulator": {"core"}, "clients": {"core"},
           "srcfn": {"core", "generator", "emulator", "clients"}}


def test_the_wheel_installs_one_import_package(tmp_path):
    src = tmp_path / "src"
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name) if src.exists() else (src.mkdir(), shutil.copy(ROOT / name, src / name))
    for room in ROOMS + ("specs", "examples"):
        shutil.copytree(ROOT / room, src / room, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("srcfn-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"srcfn"}
    # Every module and data file of every room is in the wheel (a subpackage or a data folder left out of
    # pyproject.toml would pass an editable install's tests and break every installed copy).
    shipped = {p for room in ROOMS for p in (ROOT / room).rglob("*")
               if p.is_file() and p.suffix in (".py", ".js", ".json", ".jinja") and "__pycache__" not in p.parts}
    expected = {"srcfn/" + (p.relative_to(ROOT / "srcfn") if p.is_relative_to(ROOT / "srcfn") else p.relative_to(ROOT)).as_posix()
                for p in shipped}
    assert expected - set(names) == set()
    assert {"srcfn/generator/expr/parse.py", "srcfn/generator/runtime/values.js"} <= set(names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "srcfn = srcfn.emulator.pytest_plugin" in text and "srcfn = srcfn.cli:main" in text
    # The shipped specs, for `srcfn init --from` (issue 13): every seed and example file, not examples/build.
    data = {f"srcfn/seeds/{p.relative_to(ROOT / 'specs').as_posix()}" for p in (ROOT / "specs").rglob("*") if p.is_file()}
    data |= {f"srcfn/examples/{p.relative_to(ROOT / 'examples').as_posix()}" for p in (ROOT / "examples").rglob("*")
             if p.is_file() and "build" not in p.relative_to(ROOT / "examples").parts}
    assert data - set(names) == set()
    assert not [n for n in names if n.startswith("srcfn/examples/build/")]
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    listed = subprocess.run([sys.executable, "-c", "from srcfn.scaffold import shipped_examples as s; "
                             "print('\\n'.join(f'{k} {v}' for k, v in s().items()))"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(target)}, cwd=tmp_path, check=True).stdout.splitlines()
    assert len(listed) == len(list((ROOT / "specs").glob("*/source.yaml")) + list((ROOT / "examples").glob("*/*/source.yaml")))
    assert "seeds/yotpo " + str(target / "srcfn" / "seeds" / "yotpo") in listed


def imported_rooms(path: Path, room: str) -> set[str]:
    """The rooms (or top-level names) a module imports, relative imports resolved against its room."""
    package = ["srcfn"] + ([] if room == "srcfn" else [room]) + list(path.parent.relative_to(ROOT / room).parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            names = [base + [alias.name] for alias in node.names] if not node.module else [base]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module.split(".")]
        else:
            continue
        for parts in names:
            if parts[0] == "srcfn" and len(parts) > 1 and parts[1] in ROOMS:
                found.add(parts[1])
            elif parts[0] in ROOMS and parts[0] != "srcfn":
                found.add(parts[0] if parts[0] == room else f"top-level {parts[0]}")
            elif parts[0] == "srcfn" and room != "srcfn":
                found.add("srcfn")
    return found - {room}


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_what_the_design_allows(room):
    bad = {str(p.relative_to(ROOT)): sorted(imported_rooms(p, room) - ALLOWED[room])
           for p in (ROOT / room).rglob("*.py")}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_room_check_catches_an_emulator_module_importing_the_generator():
    module = ROOT / "emulator" / "_probe_for_test.py"
    try:
        module.write_text("def f():\n    from ..generator.loader import load_spec\n")
        assert imported_rooms(module, "emulator") == {"generator"}
        module.write_text("import generator.loader\n")
        assert imported_rooms(module, "emulator") == {"top-level generator"}
        module.write_text("from srcfn.generator import model\n")
        assert imported_rooms(module, "emulator") == {"generator"}
    finally:
        module.unlink()


def test_a_users_own_generator_or_emulator_folder_does_not_shadow_srcfn(tmp_path):
    for name in ("generator", "emulator", "core", "clients"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise ImportError('the user\\'s own {name}')\n")
    version = subprocess.run([sys.executable, "-m", "srcfn", "--version"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("srcfn, version")
    plugin = subprocess.run([sys.executable, "-c", "import srcfn.emulator.pytest_plugin"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert plugin.returncode == 0, plugin.stderr


# Segment's facts (core/segment.py) as they would be written if copied; none may stand anywhere else in code.
FACTS = [re.escape(text) for text in (
    "fn.segmentapis.com", "utm_source=segmentio", '"Unsupported Event Type"', '"Message Rejected"', '"Bad Request"',
    '"Request Rejected"', '"Getting started"', '"Stream"', '"Event Properties"', '"Adding Destinations"',
    "api.segment.io", "api.segmentapis.com", "events.eu1.segmentapis.com")] + [
    r"\b512 \* 1024\b", r"\b32 \* 1024\b", r"\b524288\b", r"\b500 \* 1000\b", r"\b4 \* 1024\b", r"\b32768\b"]


def test_segments_facts_are_defined_once():
    code = [p for room in ROOMS for p in (ROOT / room).rglob("*")
            if p.suffix in (".py", ".js", ".jinja", ".json") and "__pycache__" not in p.parts]
    where = {fact: sorted(str(p.relative_to(ROOT)) for p in code if re.search(fact, p.read_text(encoding="utf-8")))
             for fact in FACTS}
    assert {fact: files for fact, files in where.items() if set(files) - {"core/segment.py"}} == {}
    assert all(where[fact] == ["core/segment.py"] for fact in FACTS[:13])  # the definitions are there


@pytest.fixture
def no_temporary_folders(monkeypatch):
    """Any attempt to create a temporary folder or file fails the test."""
    import tempfile

    def refuse(*args, **kwargs):
        raise AssertionError("rendered output went through a temporary folder")
    for name in ("mkdtemp", "mkstemp", "TemporaryDirectory", "NamedTemporaryFile"):
        monkeypatch.setattr(tempfile, name, refuse)


def test_check_deploy_serve_and_import_keep_rendered_output_in_memory(cli, project, no_temporary_folders,
                                                                      monkeypatch):
    import responses

    from srcfn.serve import SpecSource

    assert cli("check", cwd=project).exit_code == 0
    monkeypatch.setenv("SEGMENT_PUBLIC_API_TOKEN", "sgp_token")
    with responses.RequestsMock() as api:
        api.get("https://api.segmentapis.com/functions", json={"data": {"functions": [], "pagination": {}}})
        dry = cli("deploy", "yotpo", "--dry-run", cwd=project)
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("would create source function 'Yotpo'")
    served = SpecSource(project / "specs", "yotpo").poll()
    assert served.handler.source == (project / "build" / "yotpo" / "handler.js").read_text()
    imported = cli("import", "build/klaviyo/index.md", "--out", "imported", cwd=project)
    assert imported.exit_code == 0, imported.output
    assert (project / "imported" / "klaviyo" / "source.yaml").is_file()
