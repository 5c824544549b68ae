"""Load every requested spec of a specs folder, collecting errors across files instead of stopping at the first."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import re

from .core.findings import Finding, InputError
from .core.findings import Collector
from .emulator.node import node_check, regex_errors
from .generator import model as m
from .generator.loader import Loaded, find_spec_files, load_spec
from .generator.semantics import schema_patterns


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
    files: list[str] = []
    for path in find_spec_files(specs_dir, slugs):
        try:
            loaded = load_spec(path, str(path))
        except InputError as exc:
            errors += exc.findings
            continue
        problems = function_syntax(path.parent, loaded.spec)
        if problems:
            errors += problems
            continue
        ws.loaded.append(loaded)
        ws.warnings += loaded.warnings
        files.append(str(path))
    errors += pattern_syntax(list(zip(files, ws.loaded)))
    if errors:
        raise InputError(errors)
    return ws


def function_syntax(folder: Path, spec: m.Spec) -> list[Finding]:
    """`node --check` of each JavaScript file the spec includes; a syntax error is located in that file."""
    found = []
    for function in spec.functions:
        file = folder / function.file
        checked = node_check(file)
        if checked.returncode != 0:
            line, col, message = _syntax_error(checked.stderr)
            found.append(Finding(str(file), line, col, f"/functions/{function.name}", message))
    return found


def pattern_syntax(specs: list[tuple[str, Loaded]]) -> list[Finding]:
    """Every `pattern` of the specs' payload schemas compiled as the handler compiles it (JavaScript, `u` flag), in
    one Node run: one that only Python understands (`(?P<name>...)`) would make the handler throw on every request."""
    found = [(file, loaded, pointer, pattern) for file, loaded in specs
             for pointer, pattern in schema_patterns(loaded.spec.webhook.payload, "/webhook/payload")]
    findings = []
    for (file, loaded, pointer, _), error in zip(found, regex_errors([pattern for *_, pattern in found])):
        if error:
            out = Collector(file, loaded.positions)
            out.add(pointer, f"not a JavaScript regular expression, as the handler compiles it (u flag): {error}")
            findings += out.findings
    return findings



def _syntax_error(stderr: str) -> tuple[int, int, str]:
    """Line, column and message of node's report: `FILE:LINE`, the code line, a caret, then `SyntaxError: ...`."""
    lines = stderr.splitlines()
    where = re.match(r".*:(\d+)$", lines[0]) if lines else None
    caret = next((ln.index("^") + 1 for ln in lines[1:4] if ln.strip() and set(ln.strip()) <= {"^"}), 1)
    message = next((ln for ln in lines if re.match(r"^\w*Error: ", ln)), "JavaScript syntax error")
    return (int(where.group(1)) if where else 1), caret, message
