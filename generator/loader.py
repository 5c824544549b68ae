"""Find and load specs: syntax → meta-schema → semantic rules → typed model.

`load_spec` raises `InputError` carrying every located finding of the file; warnings of a spec
that loads are returned with it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model as m
from ..core.documents import Document, load_document, load_text
from ..core.findings import NotFound
from .metaschema import check_against_meta_schema
from .semantics import check_semantics

SPEC_NAMES = ("source.yaml", "source.yml", "source.json")


@dataclass(frozen=True)
class Loaded:
    spec: m.Spec
    warnings: list[Finding]


def find_spec_files(specs_dir: Path, slugs: tuple[str, ...] = ()) -> list[Path]:
    """The spec file of each requested slug (all folders when none), sorted by slug."""
    if not specs_dir.is_dir():
        raise NotFound(f"{specs_dir}: specs folder not found (use --specs DIR)")
    folders = [specs_dir / s for s in slugs] if slugs else sorted(p for p in specs_dir.iterdir() if p.is_dir())
    found, missing = [], []
    for folder in folders:
        spec = next((folder / n for n in SPEC_NAMES if (folder / n).is_file()), None)
        if spec is not None:
            found.append(spec)
        elif slugs:
            missing.append(f"no spec for {folder.name!r}: expected {folder}/source.yaml")
    if missing:
        raise NotFound("; ".join(missing))
    return found


def load_spec(path: Path, display: str | None = None) -> Loaded:
    return _load(load_document(path, display), path.parent.name, path.name)


def load_spec_text(text: str, display: str, slug: str, name: str = "source.yaml") -> Loaded:
    """A spec held in memory, checked as if it were the file <slug>/<name> (JSON when the name ends in .json)."""
    return _load(load_text(text, display, json_syntax=name.endswith(".json")), slug, name)


def _load(doc: Document, folder: str, name: str) -> Loaded:
    out = doc.collector()
    check_against_meta_schema(doc.value, out)
    out.raise_if_errors()
    check_semantics(doc.value, out, folder_slug=folder)
    out.raise_if_errors()
    return Loaded(build_model(doc.value, f"{folder}/{name}"), out.warnings)


def spec_hash(raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _rules(raw: Any) -> tuple[m.Rule, ...]:
    items = [] if raw is None else [raw] if isinstance(raw, dict) else raw
    return tuple(m.Rule(r["value"], r["describe"], tuple(r["events"]) if "events" in r else None,
                        r.get("only_without_user_id", False)) for r in items)


def _traits(raw: dict[str, Any]) -> tuple[m.Trait, ...]:
    return tuple(m.Trait(name, t["value"], t.get("describe")) if isinstance(t, dict) and "value" in t
                 else m.Trait(name, t, None) for name, t in raw.items())


def build_model(raw: dict[str, Any], rel_path: str) -> m.Spec:
    src, hook = raw["source"], raw["webhook"]
    sig = hook.get("signature")
    return m.Spec(
        path=rel_path,
        sha256=spec_hash(raw),
        source=m.Source(
            name=src["name"], slug=src["slug"], catalog_id=src.get("catalog_id"), version=src.get("version", "1.0.0"),
            website=src["website"], intro=src["intro"].strip(), maintainer=src["maintainer"].get("name", src["name"]),
            support_email=src["maintainer"]["support_email"], status=src.get("status", "public"),
            regions=tuple(src.get("regions", ["us", "eu"])),
            notices=tuple(m.Notice(n.get("type", "info"), n.get("title", ""), n["body"].strip(), n.get("section", "top"))
                          for n in src.get("notices", [])),
        ),
        connect=m.Connect(raw["connect"]["path"], raw["connect"].get("url"), tuple(raw["connect"].get("notes", []))),
        settings=tuple(m.Setting(s["name"], s["label"], s.get("description", ""), s["type"], s.get("required", False),
                                 s.get("sensitive", False)) for s in raw.get("settings", [])),
        webhook=m.Webhook(
            payload=hook["payload"], event_type=hook["event_type"], message_id=hook.get("message_id"),
            timestamp=hook.get("timestamp"),
            signature=sig and m.Signature(sig["scheme"], sig["header"], sig["secret_setting"], sig.get("encoding", "hex"),
                                          sig.get("prefix", ""), sig.get("signed", "raw")),
        ),
        user_id=_rules(raw["identity"].get("user_id")),
        anonymous_id=_rules(raw["identity"].get("anonymous_id")),
        traits=_traits(raw["identity"].get("traits", {})),
        events=tuple(m.Event(
            name=e.get("name"), description=e.get("description"), call=e.get("call", "track"),
            on=(e["on"],) if isinstance(e["on"], str) else tuple(e["on"]),
            properties=tuple(e.get("properties", [])), required=tuple(e.get("required", [])),
            traits=_traits(e.get("traits", {})),
        ) for e in raw["events"]),
        properties={name: m.Property(name, p["description"], p["from"], p.get("schema", {}))
                    for name, p in raw.get("properties", {}).items()},
        extra_sections=tuple(m.Section(s["title"], s["body"].strip()) for s in raw.get("extra_sections", [])),
    )
