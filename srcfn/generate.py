"""`srcfn generate`: write build/<slug>/ for each spec, touching only files whose bytes change."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .generator.render import render_all

from .workspace import Workspace


@dataclass(frozen=True)
class Written:
    slug: str
    written: list[str]
    unchanged: list[str]


def generate(ws: Workspace) -> list[Written]:
    results = []
    for loaded in ws.loaded:
        slug = loaded.spec.source.slug
        folder = ws.build_folder(slug)
        folder.mkdir(parents=True, exist_ok=True)
        written, unchanged = [], []
        for name, text in render_all(loaded.spec).items():
            (written if write_if_changed(folder / name, text.encode("utf-8")) else unchanged).append(name)
        results.append(Written(slug, written, unchanged))
    return results


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` atomically unless the file already holds exactly these bytes."""
    if path.is_file() and path.read_bytes() == data:
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True
