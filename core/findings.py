"""Located findings: what users see when a spec, fixture, settings file or page is wrong.

A finding names the file, line, column and JSON pointer. Loading collects findings and raises
`InputError` once at the end, so a user sees every problem of a file in one run. Something the user named
that does not exist at all (a slug, a handler file, a folder) is `NotFound`: one message, no location.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    col: int
    pointer: str
    message: str
    level: str = ERROR

    def format(self) -> str:
        where = self.pointer or "(root)"
        return f"{self.file}:{self.line}:{self.col}: {self.level}: {where}: {self.message}"

    def github(self) -> str:
        kind = "error" if self.level == ERROR else "warning"
        text = f"{self.pointer or '(root)'}: {self.message}".replace("%", "%25").replace("\n", "%0A")
        return f"::{kind} file={self.file},line={self.line},col={self.col}::{text}"


class InputError(Exception):
    """One or more error findings; warnings found on the way ride along."""

    def __init__(self, findings: list[Finding]):
        self.findings = sorted(findings)
        super().__init__("\n".join(f.format() for f in self.findings))


class NotFound(Exception):
    """A file, folder, spec or handler the user named does not exist; the message says what was looked for."""


class WriteError(Exception):
    """A file could not be written (a full or read-only disk); the message names it and what was left as it was."""


@dataclass
class Collector:
    """Gathers findings for one file; `raise_if_errors` ends loading when any is an error."""

    file: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def locate(self, pointer: str) -> tuple[int, int]:
        """Line and column of the nearest located ancestor of `pointer` (1, 1 when none)."""
        probe = pointer
        while probe not in self.positions and probe:
            probe = probe.rsplit("/", 1)[0]
        return self.positions.get(probe, (1, 1))

    def add(self, pointer: str, message: str, level: str = ERROR, at: tuple[int, int] | None = None) -> None:
        line, col = at or self.locate(pointer)
        self.findings.append(Finding(self.file, line, col, pointer, message, level))

    def warn(self, pointer: str, message: str) -> None:
        self.add(pointer, message, WARNING)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.findings)


def pointer_join(base: str, *parts: object) -> str:
    """Append reference tokens to a JSON pointer, escaping `~` and `/` (RFC 6901)."""
    for part in parts:
        base += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return base
