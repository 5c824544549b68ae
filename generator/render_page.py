"""Build the context of `index.md.jinja`, the catalog page that follows Segment's partner template."""
from __future__ import annotations

import re

from ..core.segment import TEMPLATE_SECTIONS, UTM
from . import markdown as md
from . import model as m


def page_context(spec: m.Spec) -> dict:
    src = spec.source
    name = md.inline(src.name)
    return {
        "title": md.yaml_scalar(f"{src.name} Source"),
        "catalog_id": src.catalog_id,
        "hidden": src.status == "hidden",
        "us_only": src.regions == ("us",),
        "beta": src.status == "beta",
        "sections": TEMPLATE_SECTIONS,
        "notices": {s: [_notice(n) for n in src.notices if n.section == s] for s in ("top", *TEMPLATE_SECTIONS)},
        "name": name,
        "env_name": md.inline(re.sub(r"\s+", "", src.name)),
        "maintainer": md.inline(src.maintainer),
        "homepage": src.website + UTM,
        "intro": src.intro,
        "support_email": src.support_email,
        "connect_path": _connect_path(spec.connect),
        "connect_notes": list(spec.connect.notes),
        "methods": _methods(spec.calls_used),
        "identity": identity_prose(spec),
        "mentions_user_id": bool(spec.user_id),
        "events_table": md.table(("Event Name", "Description"),
                                 [(md.cell(md.inline(e.name)), md.cell(e.description)) for e in spec.track_events]
                                 ) if spec.track_events else None,
        "properties_table": md.table(("Property Name", "Description"),
                                     [(md.cell(md.code(p.name)), md.cell(p.description))
                                      for p in spec.properties.values()]) if spec.properties else None,
        "extra_sections": spec.extra_sections,
    }


def _methods(calls: list[str]) -> str:
    listed = md.join_words([f"`{c}`" for c in calls])
    return f"server-side {listed} methods" if len(calls) > 1 else f"a server-side {listed} method"


def _notice(notice: m.Notice) -> str:
    return f'> {notice.type} "{notice.title}"\n' + md.quote_block(notice.body)


def _connect_path(connect: m.Connect) -> str:
    text = f"**{md.inline(connect.path)}**"
    return f"[{text}]({connect.url}){{:target=\"_blank\"}}" if connect.url else text


def identity_prose(spec: m.Spec) -> list[str]:
    """Paragraphs saying how userId, anonymousId and traits are filled, generated from the rules."""
    name = md.inline(spec.source.name)
    sentences = []
    for rule in spec.user_id:
        sentences.append(f"{_scope(rule)}{name} passes {rule.describe} as the `userId` when available.")
    for rule in spec.anonymous_id:
        if rule.only_without_user_id:
            sentences.append(f"{_scope(rule)}When {name} has no `userId` for the user, it passes "
                             f"{rule.describe} as the `anonymousId`.")
        else:
            sentences.append(f"{_scope(rule)}{name} passes {rule.describe} as the `anonymousId`.")
    paragraphs = [" ".join(s[0].upper() + s[1:] for s in sentences)]
    traits = list(spec.traits) + [t for e in spec.events if e.call == "identify" for t in e.traits]
    if traits:
        items = [f"- {md.code(t.name)}" + (f": {t.describe}" if t.describe else "") for t in _unique(traits)]
        paragraphs.append(f"{name} sends these traits with Identify calls:\n\n" + "\n".join(items))
    return paragraphs


def _scope(rule: m.Rule) -> str:
    if rule.events is None:
        return ""
    return f"for the {md.join_words([md.inline(e) for e in rule.events])} events, "


def _unique(traits: list[m.Trait]) -> list[m.Trait]:
    seen: dict[str, m.Trait] = {}
    for t in traits:
        seen.setdefault(t.name, t)
    return list(seen.values())
