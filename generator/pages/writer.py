"""Write an imported spec as YAML people can read and edit, and prove that it loads."""
from __future__ import annotations

from pathlib import Path

import yaml

from ...core.findings import Finding, InputError
from ..loader import load_spec_text
from .importer import Imported


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.splitlines()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def spec_yaml(imported: Imported, page_path: str) -> str:
    header = [f"# Imported by `srcfn import` from {page_path}.",
              "# TODO markers stand where the page could not say; replace each, then run `srcfn generate`."]
    header += [f"# TODO (page line {t.line}) {t.pointer}: {t.message}" for t in imported.todos]
    body = yaml.dump(imported.spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(header) + "\n" + body


def write_spec(imported: Imported, page_path: str, out_dir: Path) -> Path:
    """Write out_dir/<slug>/source.yaml and an empty fixtures folder; never overwrite an existing spec."""
    folder = out_dir / imported.slug
    target = folder / "source.yaml"
    if target.exists():
        raise InputError([Finding(str(target), 1, 1, "", "already exists; import never overwrites a spec")])
    text = spec_yaml(imported, page_path)
    check_loads(text, imported.slug, page_path)
    (folder / "fixtures").mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    return target


def check_loads(text: str, slug: str, page_path: str) -> None:
    """Load the YAML through the real loader; an error here is a bug of the importer, reported against the page."""
    load_spec_text(text, f"{page_path} (imported spec)", slug)
