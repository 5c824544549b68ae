"""`srcfn generate`: write build/<slug>/ for each spec, touching only files whose bytes change.

Every source is rendered first; then each changed file is written to a temporary file of a unique name beside
it, and only when all are written are they renamed into place. So an error while rendering or writing (a full
or read-only disk, Ctrl-C) leaves build/ as it was, with no temporary file behind, and two `generate` runs at
once never share a temporary file.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .core.findings import WriteError
from .generator.render import render_all

from .workspace import Workspace


@dataclass(frozen=True)
class Written:
    slug: str
    written: list[str]
    unchanged: list[str]


def generate(ws: Workspace) -> list[Written]:
    rendered = [(loaded.spec.source.slug, render_all(loaded.spec)) for loaded in ws.loaded]
    changes: dict[Path, bytes] = {}
    results = []
    for slug, outputs in rendered:
        folder = ws.build_folder(slug)
        written, unchanged = [], []
        for name, text in outputs.items():
            data = text.encode("utf-8")
            if _holds(folder / name, data):
                unchanged.append(name)
            else:
                changes[folder / name] = data
                written.append(name)
        results.append(Written(slug, written, unchanged))
    write_all(changes)
    return results


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless the file already holds exactly these bytes."""
    if _holds(path, data):
        return False
    write_all({path: data})
    return True


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: all are staged beside their targets, then renamed; WriteError names the file."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                staged.append((_stage(path, data), path))
            except OSError as exc:
                raise WriteError(f"cannot write {path}: {exc.strerror or exc}; nothing was changed") from None
        for tmp, path in staged:
            os.replace(tmp, path)
        staged = []
    finally:
        for tmp, _ in staged:  # an error or Ctrl-C before the renames: no temporary file stays behind
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _stage(path: Path, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, _MODE)  # mkstemp makes 0600 files; generated files are ordinary ones
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.read_bytes() == data
    except OSError:
        return False
