"""A Source Function to run: its code and the name that messages and stack traces give it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.findings import NotFound
from .errors import EmulatorError


@dataclass(frozen=True)
class Handler:
    source: str
    name: str  # a file path, or what the code was generated from

    @classmethod
    def read(cls, path: Path) -> Handler:
        try:
            return cls(path.read_text(encoding="utf-8"), str(path))
        except FileNotFoundError:
            raise NotFound(f"{path}: no such handler file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise EmulatorError(f"{path}: cannot read the handler: {exc}") from None


def as_handler(handler: Handler | Path) -> Handler:
    return handler if isinstance(handler, Handler) else Handler.read(Path(handler))
