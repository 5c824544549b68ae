"""Load every requested spec of a specs folder, collecting errors across files instead of stopping at the first."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .core.findings import Finding, InputError
from .generator.loader import Loaded, find_spec_files, load_spec


@dataclass
class Workspace:
    specs_dir: Path
    build_dir: Path
    loaded: list[Loaded] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def build_folder(self, slug: str) -> Path:
        return self.build_dir / slug


def load_workspace(specs_dir: Path, build_dir: Path, slugs: tuple[str, ...] = ()) -> Workspace:
    """All specs loaded, or one InputError holding the findings of every bad file."""
    ws = Workspace(specs_dir, build_dir)
    errors: list[Finding] = []
    for path in find_spec_files(specs_dir, slugs):
        try:
            loaded = load_spec(path, str(path))
        except InputError as exc:
            errors += exc.findings
            continue
        ws.loaded.append(loaded)
        ws.warnings += loaded.warnings
    if errors:
        raise InputError(errors)
    return ws
