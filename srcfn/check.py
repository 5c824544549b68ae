"""`srcfn check`: the CI gate. Specs valid and build/ identical to a fresh generation; writes nothing."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .generator.pages.lint import NAMING_RULES, LintFinding, lint_page
from .generator.pages.parse import parse_page
from .generator.render import OUTPUTS, render_all

from .workspace import Workspace


@dataclass(frozen=True)
class Stale:
    """One output file that does not match what its spec generates."""
    path: Path
    slug: str
    problem: str   # "stale" | "missing" | "unexpected"
    diff: str      # unified diff, committed → generated ("" when not applicable)
    line: int      # first differing line of the committed file

    def message(self) -> str:
        if self.problem == "missing":
            return f"missing: not generated yet; run `srcfn generate {self.slug}`"
        if self.problem == "unexpected":
            return f"unexpected file in build/: no spec generates it (spec {self.slug!r} not found, or not a srcfn output)"
        return f"stale: differs from a fresh generation of its spec; run `srcfn generate {self.slug}`"


def render_workspace(ws: Workspace) -> dict[str, dict[str, str]]:
    """slug → file name → generated text, for every loaded spec."""
    return {loaded.spec.source.slug: render_all(loaded.spec) for loaded in ws.loaded}


def find_stale(ws: Workspace, rendered: dict[str, dict[str, str]], all_specs: bool) -> list[Stale]:
    found: list[Stale] = []
    for slug, outputs in rendered.items():
        for name, text in outputs.items():
            found += _compare(ws.build_folder(slug) / name, slug, text)
    if all_specs:
        found += _orphans(ws)
    return found


def lint_rendered(rendered: dict[str, dict[str, str]], build_dir: Path) -> list[LintFinding]:
    """Lint findings of every generated page; the naming rules are left to the spec loader's located warnings."""
    return [f for slug, outputs in rendered.items()
            for f in lint_page(parse_page(outputs["index.md"], str(build_dir / slug / "index.md")), NAMING_RULES)]


def _compare(path: Path, slug: str, expected: str) -> list[Stale]:
    if not path.is_file():
        return [Stale(path, slug, "missing", "", 1)]
    actual = path.read_bytes().decode("utf-8", errors="replace")
    if actual == expected:
        return []
    old, new = actual.splitlines(keepends=True), expected.splitlines(keepends=True)
    diff = "".join(difflib.unified_diff(old, new, f"{path} (committed)", f"{path} (generated)"))
    line = next((i + 1 for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)) + 1)
    return [Stale(path, slug, "stale", diff, line)]


def _orphans(ws: Workspace) -> list[Stale]:
    """Generated-looking folders of build/ that no spec owns (other tools' folders are left alone)."""
    slugs = {loaded.spec.source.slug for loaded in ws.loaded}
    if not ws.build_dir.is_dir():
        return []
    found = []
    for folder in sorted(p for p in ws.build_dir.iterdir() if p.is_dir() and p.name not in slugs):
        found += [Stale(folder / n, folder.name, "unexpected", "", 1) for n in OUTPUTS if (folder / n).is_file()]
    return found


def slugs_of_files(paths: tuple[str, ...], specs_dir: Path, build_dir: Path) -> tuple[str, ...]:
    """The sources that files belong to (`specs/<slug>/...` or `build/<slug>/...`), for hooks that pass the files
    a commit changes; a source whose spec folder is gone has nothing left to check."""
    found = set()
    for name in paths:
        path = Path(name).resolve()
        for root in (specs_dir.resolve(), build_dir.resolve()):
            if path.is_relative_to(root) and len(path.relative_to(root).parts) > 1:
                found.add(path.relative_to(root).parts[0])
    return tuple(sorted(slug for slug in found if (specs_dir / slug).is_dir()))
