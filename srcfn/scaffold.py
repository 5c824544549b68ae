"""`srcfn init SLUG`: a spec and one fixture that `generate`, `check` and `test` accept as they are; or, with
`--from EXAMPLE`, a copy of a spec srcfn ships (the seeds and examples/), its functions and fixtures."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .core.findings import Finding, InputError, NotFound
from .generator.render import jinja_environment
from .generator.render_data import dump_json

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def scaffold(specs_dir: Path, slug: str) -> list[Path]:
    folder = _new_folder(specs_dir, slug)
    name = " ".join(word.capitalize() for word in slug.split("-"))
    spec = jinja_environment().get_template("scaffold-source.yaml.jinja").render(
        name=json.dumps(name), slug=slug, website=f"https://{slug}.example.com/",
        support_email=f"support@{slug}.example.com")
    (folder / "fixtures").mkdir(parents=True)
    (folder / "source.yaml").write_text(spec, encoding="utf-8", newline="\n")
    fixture = folder / "fixtures" / "email-opened.json"
    fixture.write_text(dump_json(_fixture(name)), encoding="utf-8", newline="\n")
    return [folder / "source.yaml", fixture]


def _fixture(name: str) -> dict:
    body = {"id": "evt_0001", "type": "email_opened", "timestamp": "2026-01-15T10:00:00Z",
            "user": {"id": "user_42", "email": "ada@example.com"}, "email": {"id": "em_7"}}
    call = {"type": "track", "event": "Email Opened", "userId": "user_42", "properties": {"email_id": "em_7"},
            "timestamp": "2026-01-15T10:00:00Z", "messageId": "evt_0001",
            "context": {"integration": {"name": name, "version": "1.0.0"}}}
    return {"name": "Email Opened with a known user",
            "request": {"headers": {"Content-Type": "application/json"}, "body": body},
            "expect": {"calls": [call]}}


def _new_folder(specs_dir: Path, slug: str) -> Path:
    if not SLUG.match(slug):
        raise InputError([Finding(slug, 1, 1, "", "not a slug: use lowercase letters and digits separated by single '-'")])
    folder = specs_dir / slug
    if folder.exists():
        raise InputError([Finding(str(folder), 1, 1, "", "already exists; init never overwrites a spec")])
    return folder


def shipped_examples() -> dict[str, Path]:
    """`group/slug` → folder of every spec srcfn ships: `seeds/<slug>` (specs/) and `<group>/<slug>` (examples/).
    Installed, they are package data (srcfn/seeds, srcfn/examples); in a checkout, the repository's folders."""
    here = Path(__file__).resolve().parent
    found = {}
    for group, installed, checkout in (("seeds", here / "seeds", here.parent / "specs"),
                                       (None, here / "examples", here.parent / "examples")):
        root = installed if installed.is_dir() else checkout
        folders = root.glob("*/source.yaml") if group else root.glob("*/*/source.yaml")
        for spec in sorted(folders):
            if spec.parent.parent.name != "build":
                found[f"{group or spec.parent.parent.name}/{spec.parent.name}"] = spec.parent
    return found


def example_named(name: str) -> tuple[str, Path]:
    """The shipped example a name means: `group/slug`, or a slug only one group has."""
    examples = shipped_examples()
    if name in examples:
        return name, examples[name]
    matches = [full for full in examples if full.split("/")[1] == name]
    if len(matches) == 1:
        return matches[0], examples[matches[0]]
    if matches:
        raise NotFound(f"--from {name}: several examples have that name: {', '.join(matches)}")
    raise NotFound(f"--from {name}: no such example (`srcfn init --list` shows them: {', '.join(examples)})")


def copy_example(specs_dir: Path, slug: str | None, name: str) -> list[Path]:
    """The example's folder copied to specs/SLUG (its own slug by default), `source.slug` rewritten to SLUG."""
    full, origin = example_named(name)
    slug = slug or origin.name
    folder = _new_folder(specs_dir, slug)
    shutil.copytree(origin, folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    spec = folder / "source.yaml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"^# yaml-language-server: .*\n", "", text, count=1)  # a path inside srcfn's repository
    text = re.sub(rf"^(  slug: ){re.escape(origin.name)}[ \t]*$", rf"\g<1>{slug}", text, count=1, flags=re.M)
    spec.write_text(f"# From srcfn's example {full}; `srcfn schema` prints the JSON Schema for editors.\n" + text,
                    encoding="utf-8", newline="\n")
    return sorted(p for p in folder.rglob("*") if p.is_file())
