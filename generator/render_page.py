"""Build the context of `index.md.jinja`, the catalog page that follows Segment's partner template."""
from __future__ import annotations

import re

from ..core.segment import TEMPLATE_SECTIONS, UTM
from . import markdown as md
from . import page_tables as pt
from . import model as m


def page_context(spec: m.Spec) -> dict:
    """The template's values; every text from the spec is safe from Liquid (the front matter title is YAML data,
    never rendered)."""
    context = _context(spec)
    return {k: v if k == "title" else _liquid_safe(v) for k, v in context.items()}


def _liquid_safe(value):
    if isinstance(value, str):
        return md.liquid_safe(value)
    if isinstance(value, list):
        return [_liquid_safe(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_liquid_safe(v) for v in value)
    if isinstance(value, dict):
        return {k: _liquid_safe(v) for k, v in value.items()}
    return value


def _context(spec: m.Spec) -> dict:
    src = spec.source
    name = md.inline(src.name)
    sets = [c for c in spec.calls if c.kind == "set"]
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
        "webhook_mode": spec.connect.mode == "webhook",
        "connect_path": _connect_path(spec.connect),
        "connect_notes": list(spec.connect.notes) + _authenticity(spec),
        "methods": _methods([k for k in spec.calls_used if k != "function"]) if spec.calls else None,
        "triggers": _triggers(spec),
        "identity": identity_prose(spec),
        "traits_table": _traits_table(spec),
        "collections_table": pt.collections_table(sets, spec.layout.collections) if sets and spec.layout.collections else None,
        "mentions_user_id": any(c.user_id for c in spec.track_calls),
        "events_tables": pt.events_tables(spec),
        "events_heading": "#" * spec.layout.events_level,
        "properties_tables": pt.properties_tables(spec),
        "properties_heading": "#" * spec.layout.properties_level,
        "extra_sections": [{"title": s.title, "body": s.body} for s in spec.extra_sections],
    }


AUTHENTICITY_NOTE = "The source accepts only the webhooks that carry"  # the spec's signature block says it


def _authenticity(spec: m.Spec) -> list[str]:
    """A connect step note saying what a webhook must carry to be accepted, naming the setting by its label."""
    sig = spec.webhook.signature
    if sig is None:
        return []
    label = next(s.label for s in spec.settings if s.name == sig.secret_setting)
    setting = f"the **{md.inline(label)}** setting"
    place, _, kind = sig.label.rpartition(" ")  # "X-Acme-Signature header", "signature.signature field"
    where = f"{md.code(place)} {kind}" if kind in ("header", "field") else md.inline(sig.label)
    if sig.scheme == "basic":
        how = f"HTTP Basic credentials (`user:password`) equal to {setting} in the {where}"
    elif sig.scheme == "bearer":
        how = f"a `Bearer` token equal to {setting} in the {where}"
    elif sig.scheme == "query_token":
        how = f"a `{sig.given.name}` query parameter equal to {setting}: add `&{sig.given.name}=` and its value to the " \
              "webhook URL"
    elif sig.scheme.startswith("hmac-"):
        how = f"an HMAC-{sig.scheme.split('-')[1].upper()} signature keyed with {setting} in the {where}"
    else:
        how = f"a signature that {setting} (the producer's public key) verifies in the {where}"
    return [f"{AUTHENTICITY_NOTE} {how}; it rejects the others."]


def _methods(calls: list[str]) -> str:
    listed = md.join_words([f"`{c}`" for c in calls])
    return f"server-side {listed} methods" if len(calls) > 1 else f"a server-side {listed} method"


CALL_WORDS = {"identify": "Identify", "group": "Group", "page": "Page", "screen": "Screen", "alias": "Alias",
              "set": "Object (`set`)"}


def _triggers(spec: m.Spec) -> list[str]:
    """For each call kind beside track: which webhooks make it (track events have their own table)."""
    lines = []
    for kind in (k for k in spec.calls_used if k in CALL_WORDS):
        calls = [c for c in spec.calls if c.kind == kind]
        types = [t for c in calls for t in (c.on or ())]
        every = any(c.on is None for c in calls) or not types
        hooks = "every webhook" if every else "the " + md.join_words(
            [md.code(t) for i, t in enumerate(types) if t not in types[:i]]) + (" webhooks" if len(set(types)) > 1 else " webhook")
        conditional = " when its conditions hold" if any(c.when is not None for c in calls) else ""
        lines.append(f"- {CALL_WORDS[kind]} calls: {hooks}{conditional}.")
    return lines


def _traits_table(spec: m.Spec) -> str | None:
    traits = _unique([t for c in spec.calls if c.kind in ("identify", "group") for t in c.traits])
    if not traits:
        return None
    return pt.traits_table(traits, spec.layout.traits)


def _notice(notice: m.Notice) -> str:
    return f'> {notice.type} "{notice.title}"\n' + md.quote_block(notice.body)


def _connect_path(connect: m.Connect) -> str:
    text = f"**{md.inline(connect.path)}**"
    return f"[{text}]({connect.url}){{:target=\"_blank\"}}" if connect.url else text


def identity_prose(spec: m.Spec) -> list[str]:
    """Paragraphs saying how userId and anonymousId are filled, generated from the rules."""
    name = md.inline(spec.source.name)
    sentences = []
    for rule in spec.identity.user_id:
        sentences.append(f"{_scope(rule)}{name} passes {rule.describe} as the `userId` when available.")
    for rule in spec.identity.anonymous_id:
        if rule.only_without_user_id:
            sentences.append(f"{_scope(rule)}When {name} has no `userId` for the user, it passes "
                             f"{rule.describe} as the `anonymousId`.")
        else:
            sentences.append(f"{_scope(rule)}{name} passes {rule.describe} as the `anonymousId`.")
    return [" ".join(s[0].upper() + s[1:] for s in sentences)] if sentences else []


def _scope(rule: m.Identity) -> str:
    if rule.scope is None:
        return ""
    return f"for the {md.join_words([md.inline(e) for e in rule.scope])} events, "


def _unique(traits: list[m.Trait]) -> list[m.Trait]:
    seen: dict[str, m.Trait] = {}
    for t in traits:
        seen.setdefault(t.name, t)
    return list(seen.values())
