"""Read a `--settings FILE`: a JSON (or YAML) object of setting values; bad input is a located error."""
from __future__ import annotations

from pathlib import Path

from generator.documents import load_document
from generator.findings import SpecError


def read_settings(path: Path) -> dict:
    doc = load_document(path, str(path))
    if not isinstance(doc.value, dict):
        out = doc.collector()
        out.add("", "settings must be an object mapping setting names to values")
        raise SpecError(out.findings)
    return doc.value
