"""Read a `--settings FILE`: a JSON (or YAML) object of setting values; bad input is a located error."""
from __future__ import annotations

from pathlib import Path

from .core.documents import load_document
from .core.findings import InputError


def read_settings(path: Path) -> dict:
    doc = load_document(path, str(path))
    if not isinstance(doc.value, dict):
        out = doc.collector()
        out.add("", "settings must be an object mapping setting names to values")
        raise InputError(out.findings)
    return doc.value
