"""The spec's `page` block: tables per event or grouped, extra and computed columns, names as written."""
from __future__ import annotations

import re

from specbuild import errors, load, spec
from srcfn.generator.render import render_page

WEBHOOK = {"event_type": "type", "payload": {"type": "object", "properties": {
    "type": {"type": "string"}, "id": {"type": "string"}, "lat": {"type": "number"}, "zone": {"type": "string"}}}}
EVENTS = [
    {"name": "Zone Entered", "description": "Entered a zone.", "on": "enter", "properties": ["lat", "zone"],
     "required": ["lat"]},
    {"name": "Zone Exited", "description": "Left a zone.", "on": "exit", "properties": ["lat"], "required": ["lat"]},
    {"name": "IDENTIFY_USER", "description": "A user *was* named.", "on": "named"},
]
PROPERTIES = {"lat": {"description": "Latitude.", "from": "lat", "schema": {"type": "number", "examples": [48.85]}},
              "zone": {"description": "The zone | its name.", "from": "zone", "label": "`zone`, `zone_id`"}}


def page(layout: dict | None = None, events: list | None = None, properties: dict | None = None) -> str:
    value = spec(webhook=WEBHOOK, events=events or EVENTS, properties=properties or PROPERTIES,
                 **({"page": layout} if layout is not None else {}))
    return render_page(load(value).spec)


def section(text: str, title: str) -> str:
    return re.search(rf"^## {title}\n\n(.*?)(?=^## )", text, re.S | re.M).group(1)


def test_template_layout_by_default():
    assert section(page(), "Events") == (
        "The table below lists events that Acme sends to Segment. These events appear as tables in your warehouse, "
        "and as regular events in other Destinations. Acme includes the `userId` if available.\n\n"
        "| Event Name    | Description         |\n"
        "| ------------- | ------------------- |\n"
        "| Zone Entered  | Entered a zone.     |\n"
        "| Zone Exited   | Left a zone.        |\n"
        "| IDENTIFY_USER | A user *was* named. |\n\n")
    assert section(page(), "Event Properties") == (
        "The table below lists the properties included in the events listed above.\n\n"
        "| Property Name     | Description           |\n"
        "| ----------------- | --------------------- |\n"
        "| `lat`             | Latitude.             |\n"
        "| `zone`, `zone_id` | The zone \\| its name. |\n\n")


def test_a_table_per_event_with_type_required_and_example_columns():
    layout = {"properties": {"layout": "per_event", "level": 4, "columns": [
        {"show": "name", "title": "Property"}, {"show": "type", "title": "Type"},
        {"show": "required", "title": "Required"}, {"show": "example", "title": "Example"},
        {"show": "description", "title": "Description"}]}}
    assert section(page(layout), "Event Properties") == (
        "The tables below list the properties included in the events listed above.\n\n"
        "#### Zone Entered\n\n"
        "| Property          | Type   | Required | Example | Description           |\n"
        "| ----------------- | ------ | -------- | ------- | --------------------- |\n"
        "| `lat`             | number | Yes      | `48.85` | Latitude.             |\n"
        "| `zone`, `zone_id` | string | No       |         | The zone \\| its name. |\n\n"
        "#### Zone Exited\n\n"
        "| Property | Type   | Required | Example | Description |\n"
        "| -------- | ------ | -------- | ------- | ----------- |\n"
        "| `lat`    | number | Yes      | `48.85` | Latitude.   |\n\n")


def test_grouped_events_and_property_groups_with_their_own_rows_and_cells():
    events = [dict(e) for e in EVENTS]
    events[0]["cells"] = {"Platform": "iOS, Android"}
    properties = {**PROPERTIES, "lat": {**PROPERTIES["lat"], "cells": {"Type": "float"}}}
    layout = {
        "events": {"columns": [{"show": "name", "title": "Event"}, {"title": "Platform"},
                               {"show": "description", "title": "Description"}],
                   "groups": [{"title": "Zones", "events": ["Zone Entered", "Zone Exited"]},
                              {"intro": "Also, when a user is named:", "events": ["IDENTIFY_USER"]}]},
        "properties": {"columns": [{"show": "name", "title": "Property Name"}, {"show": "type", "title": "Type"},
                                   {"show": "description", "title": "Description"}],
                       "groups": [{"title": "Zone Entered (Geofence)", "properties": ["lat", "zone"]},
                                  {"title": "Zone Exited", "properties": [
                                      {"name": "lat", "description": "Latitude when leaving.", "cells": {"Type": "double"}}]}]}}
    text = page(layout, events, properties)
    assert section(text, "Events") == (
        "The tables below list the events that Acme sends to Segment. These events appear as tables in your warehouse, "
        "and as regular events in other Destinations. Acme includes the `userId` if available.\n\n"
        "### Zones\n\n"
        "| Event        | Platform     | Description     |\n"
        "| ------------ | ------------ | --------------- |\n"
        "| Zone Entered | iOS, Android | Entered a zone. |\n"
        "| Zone Exited  |              | Left a zone.    |\n\n"
        "Also, when a user is named:\n\n"
        "| Event         | Platform | Description         |\n"
        "| ------------- | -------- | ------------------- |\n"
        "| IDENTIFY_USER |          | A user *was* named. |\n\n")
    assert section(text, "Event Properties") == (
        "The tables below list the properties included in the events listed above.\n\n"
        "### Zone Entered (Geofence)\n\n"
        "| Property Name     | Type   | Description           |\n"
        "| ----------------- | ------ | --------------------- |\n"
        "| `lat`             | float  | Latitude.             |\n"
        "| `zone`, `zone_id` | string | The zone \\| its name. |\n\n"
        "### Zone Exited\n\n"
        "| Property Name | Type   | Description            |\n"
        "| ------------- | ------ | ---------------------- |\n"
        "| `lat`         | double | Latitude when leaving. |\n\n")


def test_a_kind_column_puts_set_collections_in_the_events_table():
    events = EVENTS[:1] + [{"call": "set", "collection": "zones", "description": "Zones as objects.", "on": "zone",
                            "id": "id"}]
    layout = {"events": {"columns": [{"show": "name", "title": "Collection"}, {"show": "kind", "title": "Type"},
                                     {"show": "description", "title": "Description"}]}}
    text = page(layout, events, {"lat": PROPERTIES["lat"], "zone": PROPERTIES["zone"]})
    assert "| Collection   | Type   | Description       |\n| ------------ | ------ | ----------------- |\n" \
           "| Zone Entered | Event  | Entered a zone.   |\n| zones        | Object | Zones as objects. |\n" in text
    assert "with Segment's Object API" not in text


def test_names_keep_their_text_and_escape_only_markup():
    events = [{"name": n, "description": "Said.", "on": f"e{i}"} for i, n in
              enumerate(["IDENTIFY_USER", "_private", "a*b", "x|y", "<b>", "a<3", "back\\slash"])]
    rows = section(page(events=events, properties={"lat": PROPERTIES["lat"]}), "Events").splitlines()[4:11]
    assert [r.split(" | ")[0][2:].rstrip() for r in rows] == [
        "IDENTIFY_USER", "\\_private", "a\\*b", "x\\|y", "\\<b>", "a<3", "back\\\\slash"]


def test_layout_mistakes_are_located():
    assert errors(spec(webhook=WEBHOOK, events=EVENTS, properties=PROPERTIES, page={"events": {"groups": [
        {"title": "Zones", "events": ["Zone Entered", "Zone Exited"]}, {"events": ["Zone Exited"]}]}})) == [
        "/page/events/groups: event 'IDENTIFY_USER' is in no group: the page would not list it; add it to a group's "
        "`events`",
        "/page/events/groups/1/events/0: 'Zone Exited' is already in /page/events/groups/0"]
    assert errors(spec(webhook=WEBHOOK, events=EVENTS, properties=PROPERTIES, page={"properties": {"groups": [
        {"properties": ["lat", "zone", {"name": "altitude"}]}]}})) == [
        "/page/properties/groups/0/properties/2: 'altitude' is not a property of this spec (see /properties)"]
    assert errors(spec(webhook=WEBHOOK, events=EVENTS, properties=PROPERTIES, page={"traits": {"columns": [
        {"show": "name", "title": "Trait"}, {"title": "Notes"}]}})) == [
        "/page/traits/columns/1: the traits table cannot have a column of per-row cells (no `show`); it can show "
        "description, name"]


def test_traits_and_collections_tables_take_columns():
    events = EVENTS[:1] + [
        {"call": "identify", "on": "named", "traits": {"zone": {"value": "zone", "describe": "the zone"}}},
        {"call": "set", "collection": "zones", "description": "Zones as objects.", "on": "zone", "id": "id",
         "cells": {"Sync": "hourly"}}]
    layout = {"traits": {"columns": [{"show": "name", "title": "Attribute"}, {"show": "description", "title": "Meaning"}]},
              "collections": {"columns": [{"show": "name", "title": "Object"}, {"title": "Sync"},
                                          {"show": "description", "title": "Description"}]}}
    text = page(layout, events, {"lat": PROPERTIES["lat"], "zone": PROPERTIES["zone"]})
    assert "| Attribute | Meaning  |\n| --------- | -------- |\n| `zone`    | The zone |\n" in text
    assert "| Object  | Sync   | Description       |\n| ------- | ------ | ----------------- |\n" \
           "| `zones` | hourly | Zones as objects. |\n" in text
