"""How two versions of a spec differ for what runs downstream (warehouses, destinations, Protocols): each change
classed `breaking`, `compatible` or `docs`, with a one-line reason and its place in the new spec.

The model is compared, not the text: events by key (contract_view.py), properties and traits by name with the
types their schemas allow, identity rules by what the handler runs. Whatever differs in the generated files
without a classed change explaining it is reported too (nothing silent)."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

from .contract_view import CallView, Value, call_views, canonical, strip_annotations
from .generator import model as m
from .generator.render import render_all
from .generator.schema_types import describe, types_of

BREAKING, COMPATIBLE, DOCS = "breaking", "compatible", "docs"
CLASSES = (BREAKING, COMPATIBLE, DOCS)


@dataclass(frozen=True)
class Change:
    cls: str
    kind: str      # event-removed, property-retyped, ...: stable names for JSON consumers
    subject: str   # what changed, in words: `track "Order Completed"`, `property "total"`
    reason: str
    pointer: str   # where in the new spec (the nearest place that still exists, for something removed)
    calls: tuple[str, ...] = ()  # the calls a property, trait or identity change is in

    @property
    def text(self) -> str:
        """The subject in words, with the calls it concerns."""
        if not self.calls:
            return self.subject
        shown = list(self.calls) if len(self.calls) <= 3 else [*self.calls[:2], f"{len(self.calls) - 2} more calls"]
        return f"{self.subject} of {shown[0] if len(shown) == 1 else ', '.join(shown[:-1]) + ' and ' + shown[-1]}"


def diff_specs(old: m.Spec | None, new: m.Spec | None) -> list[Change]:
    """The changes from `old` to `new` (None: the source did not exist, or no longer does)."""
    if old is None:
        return [Change(COMPATIBLE, "source-added", f"source {new.source.slug}", "a new source: nothing downstream "
                       "depends on it yet", "")]
    if new is None:
        return [Change(BREAKING, "source-removed", f"source {old.source.slug}", "the spec is gone: its events stop "
                       "arriving", "")]
    changes = _calls(call_views(old), call_views(new))
    changes += _call_kinds(old, new) + _settings(old, new) + _webhook(old, new) + _source(old, new) + _functions(old, new)
    return _merged(changes + _unexplained(old, new, changes))


def _merged(changes: list[Change]) -> list[Change]:
    """One change per cause: a shared property retyped, or an identity rule changed, is one line naming its calls."""
    out: dict[tuple, Change] = {}
    for c in changes:
        key = (c.cls, c.kind, c.subject, c.reason) if c.calls else (id(c),)
        if key in out:
            out[key] = replace(out[key], calls=out[key].calls + c.calls)
        else:
            out[key] = c
    return list(out.values())


def _calls(old: dict, new: dict) -> list[Change]:
    """Calls compared in the new spec's order; a call gone whose webhooks a new call answers was renamed."""
    added = [k for k in new if k not in old]
    renamed: dict = {}  # new key → old key
    for key in (k for k in old if k not in new):
        twin = _renamed(old[key], [new[k] for k in added if k not in renamed])
        if twin is not None:
            renamed[(twin.kind, twin.name)] = key
    changes: list[Change] = []
    for key, view in new.items():
        if key in old:
            changes += _call(old[key], view)
        elif key in renamed:
            before = old[renamed[key]]
            changes.append(Change(BREAKING, "event-renamed", before.label,
                                  f"renamed to {view.label} (same webhooks): reports, audiences and destinations "
                                  "keyed on the old name stop receiving it", view.pointer))
            changes += _call(before, view)
        else:
            changes.append(Change(COMPATIBLE, "event-added", view.label, "newly emitted", view.pointer))
    gone = [k for k in old if k not in new and k not in renamed.values()]
    return changes + [Change(BREAKING, "event-removed", old[k].label, "no longer emitted: downstream that uses it "
                             "stops receiving it", "/events") for k in gone]


def _renamed(gone: CallView, candidates: list[CallView]) -> CallView | None:
    """The one new call of the same kind answering exactly the same webhooks, if there is exactly one."""
    same = [c for c in candidates if c.kind == gone.kind and c.routes == gone.routes]
    return same[0] if len(same) == 1 and gone.name is not None and same[0].name is not None else None


def _call(old: CallView, new: CallView) -> list[Change]:
    changes = []
    if old.routes != new.routes:
        changes.append(Change(COMPATIBLE, "event-route", new.label, "now emitted for other webhooks (its `on` or "
                              "`when` changed): `srcfn diff --replay` counts the calls that change", new.pointer))
    for name in IDENTITY_ORDER:
        changes += _identity(name, old, new)
    changes += _values("property", old, new, old.properties, new.properties, f"{new.pointer}/properties")
    changes += _required(old, new)
    changes += _values("trait", old, new, old.traits, new.traits, f"{new.pointer}/traits")
    for name in sorted(set(old.fields) | set(new.fields)):
        if old.fields.get(name) != new.fields.get(name):
            changes.append(_field(name, new))
    if old.descriptions != new.descriptions:
        changes.append(Change(DOCS, "event-description", new.label, "its description changed (the page)", new.pointer))
    return changes


IDENTITY_ORDER = ("userId", "anonymousId")


def _identity(name: str, old: CallView, new: CallView) -> list[Change]:
    was, now = old.identity.get(name, {}), new.identity.get(name, {})
    if set(was) == set(now):
        return []
    at = (new.label,)
    if not was:
        return [Change(COMPATIBLE, "identity-added", name, f"now set from {_words(now)}", _rule(now), at)]
    if not now:
        return [Change(BREAKING, "identity-removed", name, f"no longer set (was {_words(was)}): calls lose the "
                       "identity downstream joins on", new.pointer, at)]
    return [Change(BREAKING, "identity-changed", name, f"now from {_words(now)} (was {_words(was)}): the same person "
                   "gets another identity, splitting profiles downstream", _rule(now), at)]


def _words(rules: dict[str, tuple[str, str]]) -> str:
    return " or ".join(sorted({words for words, _ in rules.values()}))


def _rule(rules: dict[str, tuple[str, str]]) -> str:
    """Where the first of the rules is written."""
    return min(pointer for _, pointer in rules.values())


def _values(what: str, old_call: CallView, new_call: CallView, old: dict[str, Value], new: dict[str, Value],
            pointer: str) -> list[Change]:
    changes = []
    at = (new_call.label,)
    for name in old.keys() - new.keys():
        changes.append(Change(BREAKING, f"{what}-removed", f"{what} {json.dumps(name)}",
                              "no longer sent: warehouse columns stop filling, destinations mapping it get nothing",
                              pointer, at))
    for name in new.keys() - old.keys():
        changes.append(Change(COMPATIBLE, f"{what}-added", f"{what} {json.dumps(name)}", "newly sent", pointer, at))
    for name in sorted(old.keys() & new.keys()):
        changes += [replace(c, calls=at) for c in
                    _value(what, f"{what} {json.dumps(name)}", old[name], new[name], _table(what, name, pointer))]
    return sorted(changes, key=lambda c: c.subject)


def _table(what: str, name: str, pointer: str) -> str:
    """Where a property's schema and description are written: the spec's property table."""
    return f"/properties/{name}" if what == "property" else pointer


def _value(what: str, subject: str, old: Value, new: Value, pointer: str) -> list[Change]:
    changes = []
    schema_change = _schema(what, subject, old.schema, new.schema, pointer)
    if schema_change:
        changes.append(schema_change)
    if old.source != new.source and schema_change is None:  # a retyped value says it already
        changes.append(Change(COMPATIBLE, f"{what}-source", subject, f"now {new.source_text} (was {old.source_text}): "
                              "same name and schema; `srcfn diff --replay` shows the values that change", pointer))
    if old.description != new.description:
        changes.append(Change(DOCS, f"{what}-description", subject, "its description changed (the page)", pointer))
    return changes


def _schema(what: str, subject: str, old: dict, new: dict, pointer: str) -> Change | None:
    if old == new:
        return None
    bare_old, bare_new = strip_annotations(old), strip_annotations(new)
    if bare_old == bare_new:
        return Change(DOCS, f"{what}-schema-docs", subject, "only its schema's annotations changed", pointer)
    was, now = types_of(bare_old, bare_old), types_of(bare_new, bare_new)
    if was != now:
        narrower = now is not None and (was is None or now <= was)
        reason = f"now {describe(now)} (was {describe(was)})"
        if narrower:
            return Change(COMPATIBLE, f"{what}-retyped", subject, reason + ": every value it now takes was possible "
                          "before", pointer)
        return Change(BREAKING, f"{what}-retyped", subject, reason + ": warehouse columns and destination mappings "
                      "typed for the old values break", pointer)
    if not (isinstance(bare_old, dict) and isinstance(bare_new, dict)):
        return Change(BREAKING, f"{what}-constrained", subject, "its schema changed", pointer)
    old_enum, new_enum = bare_old.get("enum"), bare_new.get("enum")
    changed = sorted(k for k in bare_old.keys() | bare_new.keys() if bare_old.get(k) != bare_new.get(k))
    if changed == ["enum"] and old_enum is not None and new_enum is not None and all(v in old_enum for v in new_enum):
        return Change(COMPATIBLE, f"{what}-constrained", subject, "its enum lost values: every value it now takes was "
                      "possible before", pointer)
    return Change(BREAKING, f"{what}-constrained", subject, f"its schema changed ({', '.join(changed)}): values it now "
                  "takes may not match what consumers were built for", pointer)


def _required(old: CallView, new: CallView) -> list[Change]:
    changes = []
    was, now = old.required or set(), new.required or set()
    for name in sorted(now - was):
        changes.append(Change(BREAKING, "property-required", f"property {json.dumps(name)}",
                              "newly required by the tracking plan: a call without it is a violation (Protocols "
                              "blocks or flags it)", f"{new.pointer}/required", (new.label,)))
    for name in sorted((was - now) & new.properties.keys()):
        changes.append(Change(COMPATIBLE, "property-optional", f"property {json.dumps(name)}",
                              "no longer required: a call may now lack it", f"{new.pointer}/required", (new.label,)))
    return changes


_KEYS = {"groupId": "accounts split downstream", "previousId": "aliases join other identities",
         "id": "set records land under other ids"}


def _field(name: str, new: CallView) -> Change:
    at = (new.label,)
    if name in _KEYS:
        return Change(BREAKING, "field-changed", name, f"now computed another way: {_KEYS[name]}", new.pointer, at)
    if name == "call":
        return Change(COMPATIBLE, "function-call-changed", "function call", "called with other arguments",
                      new.pointer, at)
    return Change(COMPATIBLE, "field-changed", name, "now computed another way: `srcfn diff --replay` shows the "
                  "values that change", new.pointer, at)


def _call_kinds(old: m.Spec, new: m.Spec) -> list[Change]:
    was, now = set(old.calls_used), set(new.calls_used)
    changes = [Change(BREAKING, "call-kind-removed", f"{kind} calls", "the source no longer sends them", "/events")
               for kind in m.CALL_ORDER + ("function",) if kind in was - now]
    changes += [Change(COMPATIBLE, "call-kind-added", f"{kind} calls", "the source now sends them", "/events")
                for kind in m.CALL_ORDER + ("function",) if kind in now - was]
    return changes


def _settings(old: m.Spec, new: m.Spec) -> list[Change]:
    was, now = {s.name: s for s in old.settings}, {s.name: s for s in new.settings}
    changes = []
    for i, s in enumerate(new.settings):
        subject, pointer = f"setting {s.name}", f"/settings/{i}"
        before = was.get(s.name)
        if before is None:
            changes.append(Change(BREAKING, "setting-added", subject, "a new required setting: every deployed source "
                                  "needs its value before the new code runs", pointer) if s.required else
                           Change(COMPATIBLE, "setting-added", subject, "a new optional setting", pointer))
        elif before.type != s.type:
            changes.append(Change(BREAKING, "setting-retyped", subject, f"now {s.type} (was {before.type}): values "
                                  "saved in deployed sources no longer fit", pointer))
        elif s.required and not before.required:
            changes.append(Change(BREAKING, "setting-required", subject, "now required: deployed sources without a "
                                  "value fail", pointer))
        elif (before.label, before.description, before.sensitive, before.required) != \
                (s.label, s.description, s.sensitive, s.required):
            changes.append(Change(DOCS, "setting-described", subject, "its label, description, or required or "
                                  "sensitive flag changed", pointer))
    changes += [Change(COMPATIBLE, "setting-removed", f"setting {name}", "no longer read; values saved in deployed "
                       "sources are ignored", "/settings") for name in was.keys() - now.keys()]
    return changes


_WEBHOOK = {"event_type": "where the webhook type is read", "message_id": "messageId (a webhook retried across "
            "the deploy is counted twice)", "timestamp": "the calls' timestamp", "batch": "how a batch is split",
            "ignore": "which webhooks are ignored", "unknown_types": "what happens to webhook types no event handles"}


def _webhook(old: m.Spec, new: m.Spec) -> list[Change]:
    o, n = _hook_parts(old.webhook), _hook_parts(new.webhook)
    changes = [Change(COMPATIBLE, "webhook-changed", f"webhook {part}", f"{_WEBHOOK[part]} changed", "/webhook")
               for part in _WEBHOOK if o[part] != n[part]]
    if strip_annotations(old.webhook.payload) != strip_annotations(new.webhook.payload):
        changes.append(Change(COMPATIBLE, "payload-schema-changed", "webhook payload schema", "changed: a webhook it "
                              "now rejects fails validation; `srcfn diff --replay` on captured webhooks shows which",
                              "/webhook/payload"))
    was, now = o["signature"], n["signature"]
    if was != now:
        reason = ("webhooks are no longer verified" if now is None else "unsigned webhooks are now rejected"
                  if was is None else "webhooks signed as before are rejected: change the producer's signing with it")
        changes.append(Change(COMPATIBLE if now is None else BREAKING, "signature-changed", "webhook signature",
                              reason, "/webhook"))
    return changes


def _hook_parts(hook: m.Webhook) -> dict[str, str | None]:
    sig = hook.signature
    return {"event_type": canonical(hook.event_type), "message_id": canonical(hook.message_id),
            "timestamp": canonical(hook.timestamp), "batch": repr(hook.batch and (hook.batch.array, hook.batch.item,
                                                                                   hook.batch.invalid)),
            "ignore": repr((hook.ignore_types, [canonical(w) for w in hook.ignore_when])),
            "unknown_types": hook.unknown_types,
            "signature": None if sig is None else repr((
                sig.scheme, sig.secret_setting, canonical(sig.given), sig.encoding, sig.prefix,
                sig.signed if isinstance(sig.signed, str) else canonical(sig.signed), canonical(sig.timestamp),
                sig.tolerance, sig.format, sig.secret_encoding, sig.timestamp_ms))}


def _source(old: m.Spec, new: m.Spec) -> list[Change]:
    changes = []
    if (old.source.name, old.source.version) != (new.source.name, new.source.version):
        changes.append(Change(COMPATIBLE, "integration-changed", "source name or version", "every call's "
                              "context.integration changes", "/source"))
    page = lambda s: (s.source.catalog_id, s.source.website, s.source.intro, s.source.maintainer,  # noqa: E731
                      s.source.support_email, s.source.status, s.source.regions, s.source.notices, s.connect,
                      s.extra_sections, s.source.name)
    if page(old) != page(new):
        changes.append(Change(DOCS, "page-changed", "catalog page", "the source's page text changed (source, "
                              "connect, notices or extra sections)", "/source"))
    return changes


def _functions(old: m.Spec, new: m.Spec) -> list[Change]:
    was, now = {f.name: f for f in old.functions}, {f.name: f for f in new.functions}
    changes = []
    for name in sorted(was.keys() & now.keys()):
        before, after = was[name], now[name]
        if before.code != after.code:
            changes.append(Change(COMPATIBLE, "function-code", f"function {name}()", f"{after.file} changed: "
                                  "`srcfn diff --replay` shows the calls that change", f"/functions/{name}"))
        change = _schema("function", f"calls returned by function {name}()", before.returns, after.returns,
                         f"/functions/{name}/returns")
        if change:
            changes.append(change)
    return changes


def _unexplained(old: m.Spec, new: m.Spec, found: list[Change]) -> list[Change]:
    """A generated file that differs with no classed change of its kind to say why."""
    before, after = render_all(old), render_all(new)
    code = any(c.cls != DOCS for c in found)
    changes = []
    if before["handler.js"] != after["handler.js"] and not code:
        changes.append(Change(COMPATIBLE, "handler-changed", "handler.js", "the generated code changed in a way srcfn "
                              "does not class: `srcfn diff --replay` shows the calls that change", ""))
    plan = lambda text: strip_annotations({k: v for k, v in json.loads(text).items() if k != "spec_sha256"})  # noqa: E731
    if plan(before["tracking-plan.json"]) != plan(after["tracking-plan.json"]) and not code:
        changes.append(Change(COMPATIBLE, "tracking-plan-changed", "tracking-plan.json", "the tracking plan changed in "
                              "a way srcfn does not class", ""))
    if before["index.md"] != after["index.md"] and not found:
        changes.append(Change(DOCS, "page-changed", "catalog page", "the generated page changed", ""))
    return changes
