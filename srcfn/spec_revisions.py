"""The other side of `srcfn diff`: the specs folder as a git revision had it (`--base REV`) or another folder
(`--old DIR`), loaded with today's loader. A spec of that side that no longer loads is a warning, and its source
counts as new: the diff is then as if the source were added."""
from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .core.findings import Finding, InputError, NotFound, WARNING
from .generator.loader import Loaded, find_spec_files, load_spec


class RevisionError(NotFound):
    """The revision or repository named does not exist; the message says what was looked for."""


@dataclass
class Side:
    label: str                                   # `main`, `HEAD~1`, or the folder
    specs: dict[str, Loaded] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)


def extract_revision(specs_dir: Path, rev: str, into: Path) -> Path:
    """Write the specs folder as `rev` had it under `into`; the folder returned is missing when `rev` had none."""
    top = _git(specs_dir if specs_dir.is_dir() else Path.cwd(), "rev-parse", "--show-toplevel").strip()
    _git(Path(top), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}",
         error=f"--base {rev}: not a commit of the git repository at {top}")
    rel = specs_dir.resolve().relative_to(Path(top).resolve()).as_posix()
    listed = _git(Path(top), "ls-tree", "--name-only", rev, "--", rel)
    out = into / "specs"
    if not listed.strip():
        return out
    archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", rev, "--", rel], capture_output=True)
    if archive.returncode != 0:
        raise RevisionError(f"--base {rev}: git archive failed: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python < 3.10.12 lacks filters
        tar.extractall(into / "tree", **safe)
    (into / "tree" / rel).rename(out)
    return out


def _git(cwd: Path, *args: str, error: str | None = None) -> str:
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    except FileNotFoundError:
        raise RevisionError("--base needs git, which is not on PATH (or use --old DIR)") from None
    if done.returncode != 0:
        raise RevisionError(error or f"{cwd}: not inside a git repository ({done.stderr.strip() or 'git failed'}); "
                            "use --old DIR to compare with a folder")
    return done.stdout


def load_side(folder: Path, label: str, shown_as: str, slugs: tuple[str, ...]) -> Side:
    """Every spec of `folder` that loads (of `slugs` when given); findings name files as `shown_as/<slug>/...`."""
    side = Side(label)
    if not folder.is_dir():
        return side
    for path in find_spec_files(folder, ()):
        if slugs and path.parent.name not in slugs:
            continue
        display = f"{shown_as}/{path.parent.name}/{path.name}"
        try:
            loaded = load_spec(path, display)
        except InputError as exc:
            first = next(f for f in exc.findings if f.level != WARNING)
            side.warnings.append(Finding(display, first.line, first.col, first.pointer,
                                         f"the {label} version does not load ({first.message}): compared as a new "
                                         "source", WARNING))
            continue
        side.specs[loaded.spec.source.slug] = loaded
    return side
