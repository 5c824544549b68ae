"""The catalog page's tables (events, properties, traits, collections), cell by cell, as the spec's layout says."""
from __future__ import annotations

import json

from . import markdown as md
from . import model as m
from .build_calls import describe_value
from .build_page import event_rows
from .schema_types import type_names


def events_tables(spec: m.Spec) -> list[dict]:
    """{title, intro, table} of each events table (one unless the layout groups them)."""
    kinds = spec.layout.collections is None
    rows = event_rows(spec.calls, kinds)
    return [_titled(t, [_event_cells(t.columns, r.name, rows[r.name]) for r in t.rows]) for t in spec.layout.events]


def properties_tables(spec: m.Spec) -> list[dict]:
    required = _required_by(spec)
    return [_titled(t, [_property_cells(t, r, spec.properties[r.name], required) for r in t.rows])
            for t in spec.layout.properties]


def traits_table(traits: list[m.Trait], columns: tuple[m.Column, ...]) -> str:
    def cell(t: m.Trait, column: m.Column) -> str:
        if column.show == "name":
            return md.code(t.name)
        return _sentence(t.describe) if t.describe else f"From {describe_value(t.value)}."
    return _table(columns, [[cell(t, c) for c in columns] for t in traits])


def collections_table(calls: list[m.Call], columns: tuple[m.Column, ...]) -> str:
    rows: dict[str, m.Call] = {}
    for call in calls:
        name = md.code(call.collection) if call.collection is not None else \
            f"computed: {describe_value(dict(call.fields)['collection'])}"
        rows.setdefault(name, call)
    return _table(columns, [[name if c.show == "name" else call.description or "" if c.show == "description"
                             else dict(call.cells).get(c.title, "") for c in columns] for name, call in rows.items()])


def _titled(table: m.Table, cells: list[list[str]]) -> dict:
    return {"title": md.inline(table.title) if table.title else None, "intro": table.intro,
            "table": _table(table.columns, cells)}


def _table(columns: tuple[m.Column, ...], rows: list[list[str]]) -> str:
    return md.table([md.cell(md.inline(c.title)) for c in columns], [[md.cell(v) for v in row] for row in rows])


def _event_cells(columns: tuple[m.Column, ...], label: str, call: m.Call) -> list[str]:
    own = dict(call.cells)
    out = []
    for column in columns:
        if column.show == "name":
            static = call.name if call.kind == "track" else call.collection
            out.append(md.cell_text(label) if static is not None else label)
        elif column.show == "description":
            out.append(call.description or "")
        else:
            out.append(own.get(column.title, ("Event" if call.kind == "track" else "Object") if column.show else ""))
    return out


def _property_cells(table: m.Table, row: m.Row, prop: m.Property, required: dict[str, set[str]]) -> list[str]:
    own = dict(prop.cells) | dict(row.cells)
    out = []
    for column in table.columns:
        if column.show == "name":
            out.append(prop.label if prop.label is not None else md.code(prop.name))
        elif column.show == "description":
            out.append(row.description if row.description is not None else prop.description)
        elif column.title in own or column.show is None:
            out.append(own.get(column.title, ""))
        elif column.show == "type":
            out.append(", ".join(type_names(prop.schema)))
        elif column.show == "required":
            events = required.get(prop.name, set())
            out.append("Yes" if (table.event in events if table.event else "*" in events) else "No")
        else:  # example
            examples = prop.schema.get("examples") or []
            out.append(md.code(json.dumps(examples[0], ensure_ascii=False)) if examples else "")
    return out


def _required_by(spec: m.Spec) -> dict[str, set[str]]:
    """Property → the track events that require it; {"*"} when every event listing it requires it."""
    listing: dict[str, set[str]] = {}
    requiring: dict[str, set[str]] = {}
    for call in spec.track_calls:
        if isinstance(call.properties, tuple) and call.name is not None:
            for name, _ in call.properties:
                listing.setdefault(name, set()).add(call.name)
                if name in call.required:
                    requiring.setdefault(name, set()).add(call.name)
    return {name: events | ({"*"} if events == listing.get(name) else set()) for name, events in requiring.items()}


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] if text[0].isalpha() else text
