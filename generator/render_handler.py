"""Build the context of `handler.js.jinja`: every spec string arrives here already JSON-encoded."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import model as m
from .expressions import js_literal, parse_template, template_js, to_js
from .payload_js import compile_validator


@dataclass(frozen=True)
class Emitter:
    """One generated function that emits one Segment call."""
    function: str
    call: str            # track | identify
    event: str | None    # JS literal of the event name (track)
    label: str           # JS literal naming the call in error messages
    user_id: str         # JS expression
    anonymous_id: str    # JS expression
    properties: list[tuple[str, str]]  # (JS key literal, JS value expression)
    traits: list[tuple[str, str]]      # (JS key expression, JS value expression)


def handler_context(spec: m.Spec) -> dict:
    emitters = _emitters(spec)
    by_event = {id(e): em for e, em in zip(spec.events, emitters)}
    routes = [(js_literal(hook), [by_event[id(e)].function for e in spec.events_on(hook)])
              for hook in spec.webhook_types()]
    validator = compile_validator(spec.webhook.payload)
    sig = spec.webhook.signature
    context = {
        "slug": spec.source.slug,  # the meta-schema restricts slugs to [a-z0-9-]: safe in a comment
        "spec_path": spec.path,
        "sha256": spec.sha256,
        "integration": js_literal({"name": spec.source.name, "version": spec.source.version}),
        "invalid_prefix": js_literal(f"Invalid {spec.source.name} webhook payload: "),
        "unsupported_prefix": js_literal(f"Unsupported {spec.source.name} webhook type: "),
        "event_type": to_js(spec.webhook.event_type),
        "message_id": to_js(spec.webhook.message_id) if spec.webhook.message_id is not None else "undefined",
        "timestamp": to_js(spec.webhook.timestamp) if spec.webhook.timestamp is not None else "undefined",
        "routes": routes,
        "emitters": emitters,
        "validator": validator.rstrip("\n"),
        "signature": sig and {
            "algorithm": js_literal(sig.scheme.split("-")[1]), "header": js_literal(sig.header),
            "setting": js_literal(sig.secret_setting), "encoding": js_literal(sig.encoding),
            "prefix": js_literal(sig.prefix), "sorted": sig.signed == "sorted_json",
        },
    }
    context["uses_formats"] = "format(" in validator
    context["uses_transforms"] = any("transform(" in x for x in _js_expressions(context))
    return context


def _js_expressions(context: dict) -> list[str]:
    exprs = [context["message_id"], context["timestamp"], context["event_type"]]
    for em in context["emitters"]:
        exprs += [em.user_id, em.anonymous_id] + [v for _, v in em.properties] + [x for pair in em.traits for x in pair]
    return exprs


def _emitters(spec: m.Spec) -> list[Emitter]:
    taken: set[str] = set()
    out = []
    for event in spec.events:
        base = f"{event.call}_{_identifier(event.name or '') or _identifier(event.on[0]) or 'event'}"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        out.append(_emitter(spec, event, name))
    return out


def _emitter(spec: m.Spec, event: m.Event, function: str) -> Emitter:
    user = spec.rule_for(spec.user_id, event)
    anon = spec.rule_for(spec.anonymous_id, event)
    user_js = f"text({to_js(user.value)})" if user else "undefined"
    anon_js = f"text({to_js(anon.value)})" if anon else "undefined"
    if anon and anon.only_without_user_id:
        anon_js = f"userId === undefined ? {anon_js} : undefined"
    traits = spec.traits + event.traits if event.call == "identify" else ()
    label = event.name or f"identify ({', '.join(event.on)})"
    return Emitter(
        function=function, call=event.call, event=js_literal(event.name) if event.call == "track" else None,
        label=js_literal(label), user_id=user_js, anonymous_id=anon_js,
        properties=[(js_literal(p), to_js(spec.properties[p].source)) for p in event.properties],
        traits=[(_trait_key(t.name), to_js(t.value)) for t in traits],
    )


def _trait_key(name: str) -> str:
    parts = parse_template(name)
    return template_js(parts) if any(isinstance(p, tuple) for p in parts) else js_literal("".join(parts))


def _identifier(text: str) -> str:
    """A readable ASCII identifier fragment; empty when the text has no ASCII letters or digits."""
    word = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return word if word and not word[0].isdigit() else (f"n{word}" if word else "")
