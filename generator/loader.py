"""Find and load specs: syntax → meta-schema → rules between parts → the typed model.

`load_spec` raises `InputError` carrying every located finding of the file; warnings of a spec that loads are
returned with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.documents import Document, load_document, load_text
from ..core.findings import Finding, NotFound, pointer_join
from . import model as m
from .build import ReadFile, build_spec
from .metaschema import check_against_meta_schema
from .semantics import check_model, check_raw

SPEC_NAMES = ("source.yaml", "source.yml", "source.json")


@dataclass(frozen=True)
class Loaded:
    spec: m.Spec
    warnings: list[Finding]
    positions: dict = field(default_factory=dict, repr=False)  # JSON pointer → (line, col) in the spec file


def find_spec_files(specs_dir: Path, slugs: tuple[str, ...] = ()) -> list[Path]:
    """The spec file of each requested slug (all folders when none), sorted by slug."""
    if not specs_dir.is_dir():
        raise NotFound(f"{specs_dir}: specs folder not found (use --specs DIR)")
    folders = [specs_dir / s for s in slugs] if slugs else sorted(p for p in specs_dir.iterdir() if p.is_dir())
    found, missing = [], []
    for folder in folders:
        spec = next((folder / n for n in SPEC_NAMES if (folder / n).is_file()), None)
        if spec is not None:
            found.append(spec)
        elif slugs:
            missing.append(f"no spec for {folder.name!r}: expected {folder}/source.yaml")
    if missing:
        raise NotFound("; ".join(missing))
    return found


def load_spec(path: Path, display: str | None = None) -> Loaded:
    return _load(load_document(path, display), path.parent.name, path.name, folder_reader(path.parent))


def load_spec_text(text: str, display: str, slug: str, name: str = "source.yaml",
                   read_file: ReadFile = lambda name: None) -> Loaded:
    """A spec held in memory, checked as if it were the file <slug>/<name> (JSON when the name ends in .json);
    `read_file` gives the files beside it (function code)."""
    return _load(load_text(text, display, json_syntax=name.endswith(".json")), slug, name, read_file)


def _strings(value, pointer: str):
    """(pointer, text) of every string of a document, keys included (a key's pointer is its own)."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = pointer_join(pointer, key)
            yield child, key
            yield from _strings(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, pointer_join(pointer, i))


def folder_reader(folder: Path) -> ReadFile:
    def read(name: str) -> str | None:
        try:
            return (folder / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    return read


def _load(doc: Document, folder: str, name: str, read_file: ReadFile) -> Loaded:
    out = doc.collector()
    for pointer, text in _strings(doc.value, ""):
        bad = next((ch for ch in text if "\ud800" <= ch <= "\udfff"), None)
        if bad is not None:
            out.add(pointer, f"holds a lone surrogate (\\u{ord(bad):04x}, half of a character): the handler and the "
                             "page are UTF-8 files, which cannot hold it")
    out.raise_if_errors()
    check_against_meta_schema(doc.value, out)
    out.raise_if_errors()
    check_raw(doc.value, out, folder_slug=folder)
    spec = build_spec(doc.value, out, f"{folder}/{name}", read_file)
    if spec is not None:
        check_model(spec, doc.value, out)
    out.raise_if_errors()
    return Loaded(spec, out.warnings, doc.positions)
