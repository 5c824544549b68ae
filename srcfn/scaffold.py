"""`srcfn init SLUG`: a spec and one fixture that `generate`, `check` and `test` accept as they are."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .core.findings import Finding, InputError
from .generator.render import jinja_environment
from .generator.render_data import dump_json

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def scaffold(specs_dir: Path, slug: str) -> list[Path]:
    folder = specs_dir / slug
    if not SLUG.match(slug):
        raise InputError([Finding(slug, 1, 1, "", "not a slug: use lowercase letters and digits separated by single '-'")])
    if folder.exists():
        raise InputError([Finding(str(folder), 1, 1, "", "already exists; init never overwrites a spec")])
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
