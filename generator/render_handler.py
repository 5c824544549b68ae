"""Build the context of `handler.js.jinja`: the spec as data (SOURCE), the operations it uses (OPS), the
runtime trimmed to what the generated code needs, and the payload validators."""
from __future__ import annotations

from typing import Any

from . import model as m
from .expr import nodes as n
from .js import Raw, identifiers, js_data, js_literal, trimmed_runtime
from .payload_js import Validators


def handler_context(spec: m.Spec) -> dict:
    hook = spec.webhook
    validators = Validators(hook.payload)
    validate = validators.compile(hook.payload, "")
    batch = _batch(hook.batch, validators, f"Invalid {spec.source.name} webhook payload: ") if hook.batch else None
    calls = [_entry(e, spec.properties) for e in spec.entries]
    named = {p for c in spec.calls if isinstance(c.properties, tuple) for p, e in c.properties
             if e is spec.properties[p].source}
    source = _source(spec, calls, named)
    ops = sorted(n.ops_used(_roots(spec)), key=_op_order)
    context = {
        "slug": spec.source.slug,  # the meta-schema restricts slugs to [a-z0-9-]: safe in a comment
        "spec_path": spec.path,
        "source": js_data(source),
        "ops": js_data({op: Raw(_op_function(op)) for op in ops}),
        "make": js_data({kind: Raw(MAKERS[kind]) for kind in _entry_kinds(spec.entries)}),
        "functions": spec.functions,
        "function_table": "{ " + ", ".join(f.name for f in spec.functions) + " }",
        "signature": hook.signature is not None,
        "batch": batch,
        "validate": validate,
        "routed": hook.event_type is not None,
        "any_type": any(c.on is None for c in spec.entries),
        "unknown_ignore": hook.unknown_types == "ignore",
        "ignores": _ignores(hook),
        "message_id": hook.message_id is not None,
        "message_id_per_event": hook.message_id_per_event,
        "timestamp": hook.timestamp is not None,
        "invalid": js_literal(f"Invalid {spec.source.name} webhook payload: "),
        "unsupported": js_literal(f"Unsupported {spec.source.name} webhook type: "),
    }
    code = _generated_code(context, validators.source())
    roots = identifiers(code) | {_op_function(o) for o in ops} | {MAKERS[k] for k in _entry_kinds(spec.entries)}
    context["runtime"] = "\n\n".join(d.text for d in trimmed_runtime(roots))
    context["validators"] = validators.source().rstrip("\n")
    return context


MAKERS = {"calls": "makeGroup", "function": "makeFunctionCalls", "set": "makeObject",
          **{k: "makeMessage" for k in m.CALL_ORDER if k != "set"}}


def _entry_kinds(entries) -> list[str]:
    """The `call` values of SOURCE.calls, groups' included, in MAKERS order."""
    kinds = set()
    for entry in entries:
        if isinstance(entry, m.Group):
            kinds |= {"calls", *_entry_kinds(entry.entries)}
        else:
            kinds.add("function" if isinstance(entry, m.FunctionCalls) else entry.kind)
    return [k for k in MAKERS if k in kinds]


def _batch(batch: m.Batch, validators: Validators, invalid: str) -> dict:
    pointer = "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in batch.array)
    return {
        "list": "dig(body, SOURCE.batch.array, 0)" if batch.array else "body",
        "event": "dig(list[i], SOURCE.batch.item, 0)" if batch.item else "list[i]",
        "pointer": js_literal(pointer),
        "not_array": js_literal(f"{invalid}{pointer or '(root)'} must be an array"),
        "skip": batch.invalid == "skip",
        "validate": validators.compile(batch.items_schema, batch.items_pointer) if batch.invalid == "skip" else None,
    }


def _source(spec: m.Spec, calls: list, named: set[str]) -> dict[str, Any]:
    hook = spec.webhook
    out: dict[str, Any] = {"integration": {"name": spec.source.name, "version": spec.source.version}}
    if hook.signature:
        out["signature"] = _signature(hook.signature)
    if hook.batch and (hook.batch.array or hook.batch.item):
        out["batch"] = {k: list(v) for k, v in (("array", hook.batch.array), ("item", hook.batch.item)) if v}
    if hook.event_type is not None:
        out["type"] = hook.event_type.js()
    if hook.ignore_types:
        out["ignore"] = list(hook.ignore_types)
    if hook.ignore_when:
        out["ignoreWhen"] = [c.js() for c in hook.ignore_when]
    if hook.message_id is not None:
        out["messageId"] = hook.message_id.js()
    if hook.timestamp is not None:
        out["timestamp"] = hook.timestamp.js()
    out["calls"] = calls
    if named:
        out["properties"] = {name: spec.properties[name].source.js() for name in spec.properties if name in named}
    return out


def _signature(sig: m.Signature) -> dict[str, Any]:
    what = sig.label.rsplit(" ", 1)[0]  # "X-Acme-Signature header" → "X-Acme-Signature"
    out: dict[str, Any] = {"scheme": sig.scheme, "setting": sig.secret_setting, "given": sig.given.js(),
                           "missing": f"Missing {sig.label}",
                           "invalid": f"Invalid {what} signature" if _signs(sig) else f"Invalid {sig.label}"}
    if _signs(sig):
        out |= {"encoding": sig.encoding, "prefix": sig.prefix,
                "signed": sig.signed if isinstance(sig.signed, str) else sig.signed.js()}
        out |= {"algorithm": sig.scheme.split("-")[1]} if sig.scheme.startswith("hmac-") else {"publicKey": sig.scheme}
    if sig.timestamp is not None:
        out |= {"timestamp": sig.timestamp.js(), "tolerance": sig.tolerance}
        out |= {"timestampMs": True} if sig.timestamp_ms else {}
    if sig.format:
        out["format"] = sig.format
    if sig.secret_encoding != "text":
        out["secretEncoding"] = sig.secret_encoding
    return out


def _signs(sig: m.Signature) -> bool:
    """An HMAC or public-key signature of what the producer signs (not a shared secret)."""
    return sig.scheme.startswith("hmac-") or sig.scheme in ("ed25519", "ecdsa-p256-sha256")


def _entry(entry: m.Entry, table: dict[str, m.Property]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entry.on is not None:
        out["on"] = list(entry.on)
    if entry.when is not None:
        out["when"] = entry.when.js()
    if isinstance(entry, m.Group):
        out["call"] = "calls"
        if entry.each is not None:
            out["each"] = entry.each.js()
            out["as"] = entry.var
            if entry.index:
                out["index"] = entry.index
        out["calls"] = [_entry(e, table) for e in entry.entries]
        return out
    if isinstance(entry, m.FunctionCalls):
        out["call"] = "function"
        out["function"] = entry.call.name
        out["args"] = [a.js() for a in entry.call.args]
        return out
    return {**out, **_call(entry, table)}


def _call(call: m.Call, table: dict[str, m.Property]) -> dict[str, Any]:
    out: dict[str, Any] = {"call": call.kind}
    if call.name is not None and call.name_from is None and call.kind != "set":
        out["event" if call.kind == "track" else "name" if call.kind in ("page", "screen") else "label"] = call.name
    if call.name_from is not None:
        out["nameFrom"] = call.name_from.js()
        out["label"] = call.name or f"{call.kind} ({call.pointer})"
    if call.kind != "set" and call.name is None and call.name_from is None:  # names the call in errors
        out["label"] = f"{call.kind} ({', '.join(call.on)})" if call.on else call.kind
    if call.user_id:
        out["userId"] = call.user_id.value.js()
    if call.anonymous_id:
        out["anonymousId"] = call.anonymous_id.value.js()
        if call.anonymous_id.only_without_user_id:
            out["onlyWithoutUserId"] = True
    if isinstance(call.properties, n.Expr):
        out["propertiesFrom"] = call.properties.js()
    elif call.properties or call.kind == "set":
        out["properties"] = [p if e is table[p].source else [p, e.js()] for p, e in call.properties]
    if call.traits:
        out["traits"] = [[t.key.js() if t.key else t.name, t.value.js()] for t in call.traits]
    if call.collection is not None:
        out["collection"] = call.collection
    if call.fields:
        out["fields"] = [[k, e.js()] for k, e in call.fields]
    if call.context:
        out["context"] = [[k, e.js()] for k, e in call.context]
    if call.integrations:
        out["integrations"] = [[k, e.js()] for k, e in call.integrations]
    return out


def _ignores(hook: m.Webhook) -> str:
    tests = []
    if hook.ignore_types:
        tests.append("SOURCE.ignore.includes(s.type)")
    if hook.ignore_when:
        tests.append("SOURCE.ignoreWhen.some((c) => value(c, s))")
    return " || ".join(tests)


def _roots(spec: m.Spec) -> list[n.Expr]:
    hook = spec.webhook
    roots = [hook.event_type, hook.message_id, hook.timestamp, *hook.ignore_when]
    if hook.signature:
        sig = hook.signature
        roots += [sig.given, sig.timestamp, None if isinstance(sig.signed, str) else sig.signed]
    roots += [p.source for p in spec.properties.values()]
    for entry in spec.entries:
        roots += list(_entry_exprs(entry))
    return [r for r in roots if r is not None]


def _entry_exprs(entry: m.Entry):
    yield entry.when
    if isinstance(entry, m.Group):
        yield entry.each
        for inner in entry.entries:
            yield from _entry_exprs(inner)
    elif isinstance(entry, m.FunctionCalls):
        yield from entry.call.args
    else:
        yield entry.name_from
        yield entry.user_id and entry.user_id.value
        yield entry.anonymous_id and entry.anonymous_id.value
        yield from ([entry.properties] if isinstance(entry.properties, n.Expr) else [e for _, e in entry.properties])
        for t in entry.traits:
            yield t.key
            yield t.value
        yield from (e for _, e in entry.fields + entry.context + entry.integrations)


_OP_ORDER = ("path", "body", "var", "const", "template", "header", "query", "setting", "request")


def _op_order(op: str) -> tuple:
    return (_OP_ORDER.index(op), "") if op in _OP_ORDER else (len(_OP_ORDER), op)


def _op_function(op: str) -> str:
    return "op" + "".join(part.capitalize() for part in op.split("_"))


def _generated_code(context: dict, validators: str) -> str:
    """The handler's own code (template and validators), for finding the runtime declarations it uses."""
    from .render import jinja_environment
    text = jinja_environment().get_template("handler.js.jinja").render({**context, "runtime": "", "validators": "", "sha256": ""})
    return text + validators

