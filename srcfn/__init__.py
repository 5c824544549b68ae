"""srcfn: one declarative spec per Segment Event Cloud Source → Source Function, catalog page, settings, tracking plan.

The rooms are subpackages: `srcfn.core` (shared diagnostics, documents, Segment's facts), `srcfn.generator`,
`srcfn.emulator`, `srcfn.clients` (Segment's HTTP APIs); this folder holds the CLI.
"""
from pathlib import Path as _Path

__version__ = "0.1.0"

# Installed, the rooms are folders inside this package. A source checkout keeps them beside this folder
# (README, "Layout"), so there `srcfn.generator` resolves to ../generator.
_checkout = _Path(__file__).resolve().parent.parent
if not _Path(__file__).with_name("core").is_dir() and (_checkout / "pyproject.toml").is_file():
    __path__.append(str(_checkout))
