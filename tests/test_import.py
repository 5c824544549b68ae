"""`srcfn import`: catalog pages in every layout become specs that validate; generated pages round-trip."""
from __future__ import annotations

import html
import textwrap
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pagetables
from conftest import ROOT
from srcfn.generator.loader import load_spec
from srcfn.generator.pages.importer import import_page
from srcfn.generator.pages.lint import lint_page
from srcfn.generator.pages.parse import parse_page
from srcfn.generator.pages.writer import check_loads, spec_yaml
from srcfn.generator.render import render_page
from srcfn.generator.render_page import AUTHENTICITY_NOTE

SEEDS = {"yotpo": "yotpo.md", "klaviyo": "klaviyo.md", "listrak": "listrak.md"}


def imported(text: str, slug: str = "acme"):
    result = import_page(parse_page(textwrap.dedent(text).lstrip(), "page.md"), slug)
    check_loads(spec_yaml(result, "page.md"), result.slug, "page.md")  # raises if the spec would not load
    return result


def regenerated(tmp_path, result) -> str:
    folder = tmp_path / result.slug
    folder.mkdir()
    (folder / "source.yaml").write_text(spec_yaml(result, "page.md"))
    return render_page(load_spec(folder / "source.yaml").spec)


@pytest.mark.parametrize("slug", sorted(SEEDS))
def test_each_seed_page_imports_and_regenerates_its_tables(tmp_path, cli, slug):
    page = ROOT / "tests" / "oracles" / SEEDS[slug]
    result = cli("import", str(page), "--out", str(tmp_path / "specs"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {tmp_path / 'specs' / slug / 'source.yaml'} (")
    assert (tmp_path / "specs" / slug / "fixtures").is_dir()
    assert cli("generate", "--specs", str(tmp_path / "specs"), "--build", str(tmp_path / "build")).exit_code == 0
    seed, built = page.read_text(), (tmp_path / "build" / slug / "index.md").read_text()
    assert pagetables.events(built) == pagetables.events(seed)
    assert pagetables.properties(built) == pagetables.properties(seed)


CATALOG = ROOT / "tests" / "catalog-pages"
HEADERLESS = {"provesource": [0]}  # tables (by position) a page writes without a header row


@pytest.mark.parametrize("slug", sorted(p.stem for p in CATALOG.glob("*.md") if p.name != "README.md"))
def test_each_live_page_keeps_every_table_row_and_cell(tmp_path, slug):
    text = (CATALOG / f"{slug}.md").read_text()
    built = regenerated(tmp_path, imported(text, slug))
    before, after = pagetables.every_table(text), pagetables.every_table(built)
    assert len(after) == len(before)
    for i, (old, new) in enumerate(zip(before, after)):
        if i in HEADERLESS.get(slug, []):  # regenerated under the template's header row
            assert new[0] == ["Event Name", "Description"]
            new = new[1:]
        assert new == old, f"table {i + 1}"
    said = lambda text: Counter((f.rule, f.message) for f in lint_page(parse_page(text, "index.md")))  # noqa: E731
    assert said(built) - said(text) == Counter()  # generation adds no finding the page did not have


@pytest.mark.parametrize("slug", sorted(SEEDS))
def test_a_seed_page_round_trips_byte_for_byte(tmp_path, slug):
    """build/<seed>/index.md → import → generate gives the same bytes: identity sentences, the webhooks that make
    identify calls, the traits table and the signature's note are read back, not left as TODOs."""
    page = (ROOT / "build" / slug / "index.md").read_text(encoding="utf-8")
    assert regenerated(tmp_path, imported(page, slug)) == page


def test_todos_name_the_page_line(cli, tmp_path):
    result = cli("import", "tests/oracles/klaviyo.md", "--out", str(tmp_path))
    assert "tests/oracles/klaviyo.md:40:1: todo: /identity: identity rules come from prose; write them as rules " \
           "(the page says: The default behavior is for Klaviyo to pass the `userId`" in result.stderr
    assert "tests/oracles/klaviyo.md:1:1: todo: /source/maintainer/support_email: no support email found" in result.stderr
    spec_text = (tmp_path / "klaviyo" / "source.yaml").read_text()
    assert "# TODO (page line 40) /identity:" in spec_text and "describe: 'TODO: where the userId comes from'" in spec_text


@pytest.mark.parametrize("slug", ["yotpo", "klaviyo", "listrak"])
def test_a_generated_page_imports_back_into_an_equivalent_spec(slug):
    original = load_spec(ROOT / "specs" / slug / "source.yaml").spec
    back = imported((ROOT / "build" / slug / "index.md").read_text(), slug).spec
    src = original.source
    assert back["source"] | {} == {
        "name": src.name, "slug": src.slug, **({"catalog_id": src.catalog_id} if src.catalog_id else {}),
        "website": src.website, "intro": src.intro, "maintainer": {"name": src.name, "support_email": src.support_email},
        "status": src.status, "regions": list(src.regions),
        **({"notices": [{"type": n.type, "title": n.title, "body": n.body, **({"section": n.section} if n.section != "top" else {})}
                        for n in src.notices]} if src.notices else {})}
    notes = back["connect"].pop("notes", [])
    assert back["connect"] == {"path": original.connect.path, **({"url": original.connect.url} if original.connect.url else {})}
    assert notes[:len(original.connect.notes)] == list(original.connect.notes)  # then the signature's note, as text
    assert [n.startswith(AUTHENTICITY_NOTE) for n in notes[len(original.connect.notes):]] == \
        ([True] if original.webhook.signature else [])
    assert [(e["name"], e["description"]) for e in back["events"] if "name" in e] == \
        [(e.name, e.description) for e in original.track_calls]
    assert [(k, v["description"]) for k, v in back.get("properties", {}).items()] == \
        [(p.name, p.description) for p in original.properties.values()]
    assert back.get("extra_sections", []) == [{"title": s.title, "body": s.body} for s in original.extra_sections]
    assert [e.get("call") for e in back["events"]].count("identify") == [c.kind for c in original.calls].count("identify")


BASE = """
---
title: Acme Source
---

[Acme](https://acme.example.com/?utm_source=segmentio&utm_medium=docs&utm_campaign=partners){:target="_blank"} sends engagement events.

This source is maintained by Acme. For any issues with the source, [contact their Support team](mailto:help@acme.example.com).

## Getting started

1. Log in to your Acme account, navigate to **Settings > Segment** and paste the write key to connect.

## Stream

Acme uses a server-side `track` method.

## Events

{events}

{properties}

## Adding Destinations

Now that your Source is set up, you can connect it with Destinations.
"""
def page(events: str, properties: str = "", base: str = BASE) -> str:
    return base.replace("{events}", events).replace("{properties}", properties)


PIPE_EVENTS = "| Event Name | Description |\n| --- | --- |\n| Email Opened | Opened an email |\n| Link Clicked | Clicked a link |"
PIPE_PROPS = "## Event Properties\n\n| Property Name | Description |\n| --- | --- |\n| `email_id` | ID of the email |"


def test_layout_leading_pipe_tables():
    spec = imported(page(PIPE_EVENTS, PIPE_PROPS)).spec
    assert [(e["name"], e["description"]) for e in spec["events"]] == [("Email Opened", "Opened an email"), ("Link Clicked", "Clicked a link")]
    assert spec["properties"]["email_id"]["description"] == "ID of the email"
    assert spec["connect"] == {"path": "Settings > Segment"}
    assert spec["source"]["maintainer"]["support_email"] == "help@acme.example.com"


def test_layout_bare_pipe_tables():
    events = "Event Name | Description\n--- | ---\nEmail Opened | Opened an email"
    props = "## Event Properties\n\nProperty Name | Description\n--- | ---\n`email_id` | ID of the email"
    spec = imported(page(events, props)).spec
    assert [e["name"] for e in spec["events"]] == ["Email Opened"] and list(spec["properties"]) == ["email_id"]


def test_layout_html_tables_with_bold_td_headers():
    events = ("<table>\n  <tr>\n    <td>**Event**</td>\n    <td>**Description**</td>\n  </tr>\n"
              "  <tr>\n    <td>Email Sent</td>\n    <td>Sent an email</td>\n  </tr>\n</table>")
    spec = imported(page(events, "")).spec
    assert [(e["name"], e["description"]) for e in spec["events"]] == [("Email Sent", "Sent an email")]


def test_layout_collections_table_with_a_type_column(tmp_path):
    events = ("<table>\n<tr><td>**Collection**</td><td>**Type**</td><td>**Description**</td></tr>\n"
              "<tr><td>Email Sent</td><td>Event</td><td>Sent</td></tr>\n"
              "<tr><td>lists</td><td>Object</td><td>Mailing lists</td></tr>\n"
              "<tr><td>Lists</td><td>Object</td><td>Mailing lists</td></tr>\n</table>")
    result = imported(page(events, "", BASE.replace("## Events", "## Collections")))
    assert result.spec["events"][:2] == [
        {"name": "Email Sent", "description": "Sent", "on": "email_sent"},
        {"call": "set", "collection": "lists", "description": "Mailing lists", "on": "lists", "id": "id"}]
    assert result.spec["page"] == {"events": {"columns": [
        {"show": "name", "title": "Collection"}, {"show": "kind", "title": "Type"},
        {"show": "description", "title": "Description"}]}}
    assert "page.md:23:1: todo: /events: object collection 'Lists' is not a collection name (lowercase, digits and _): " \
           "left out" in [t.format() for t in result.todos]
    assert pagetables.every_table(events)[0][:3] == pagetables.every_table(regenerated(tmp_path, result))[0]


def test_layout_events_grouped_under_h3_headings():
    events = ("### Email\n\n| Event Name | Description |\n|---|---|\n| Email Opened | Opened |\n\n"
              "### SMS\n\n| Event Name | Description |\n|---|---|\n| SMS Sent | Sent |")
    spec = imported(page(events, "")).spec
    assert [e["name"] for e in spec["events"]] == ["Email Opened", "SMS Sent"]


def test_layout_no_properties_table(tmp_path):
    result = imported(page(PIPE_EVENTS, ""))
    assert "properties" not in result.spec and "properties" not in result.spec["events"][0]
    assert "## Event Properties" not in regenerated(tmp_path, result)


def test_layout_stub_page_with_only_front_matter():
    result = imported("---\ntitle: Quiet Source\nhidden: true\n---\n", "quiet")
    spec = result.spec
    assert (spec["source"]["name"], spec["source"]["status"], spec["events"][0]["name"]) == ("Quiet", "hidden", "TODO Event")
    assert {t.pointer for t in result.todos} >= {"/source/website", "/source/intro", "/events", "/connect/path"}


def test_layout_callouts_includes_and_components():
    text = page(PIPE_EVENTS, "").replace(
        "---\n\n[Acme]", '---\n{% include content/source-region-unsupported.md %}\n\n{% include content/beta-note.md %}\n\n'
        '> warning "Heads up"\n> Acme is migrating.\n\n[Acme]').replace(
        "## Stream\n", "## Components\n\n**Stream**\n").replace("uses a server-side `track` method", "uses Track and Identify methods")
    spec = imported(text).spec
    assert spec["source"]["regions"] == ["us"] and spec["source"]["status"] == "beta"
    assert spec["source"]["notices"] == [{"type": "warning", "title": "Heads up", "body": "Acme is migrating."}]
    assert spec["events"][-1] == {"call": "identify", "on": "identify"}


def test_layout_curly_quotes_mailto_without_scheme_and_heading_case():
    text = page(PIPE_EVENTS, PIPE_PROPS).replace('"_blank"}', '"_blank”}').replace(
        "mailto:help@", "help@").replace("## Getting started", "## Getting Started").replace("## Event Properties", "## Event properties")
    spec = imported(text).spec
    assert spec["source"]["website"] == "https://acme.example.com/"
    assert spec["source"]["maintainer"]["support_email"] == "help@acme.example.com"
    assert spec["connect"]["path"] == "Settings > Segment" and list(spec["properties"]) == ["email_id"]


def test_layout_names_in_backticks_and_odd_property_names():
    events = "| Event Name | Description |\n|---|---|\n| `Email Sent` | Sent |"
    props = "## Event Properties\n\n| Property Name | Description |\n|---|---|\n| `first name` | Given name |"
    result = imported(page(events, props))
    assert result.spec["events"][0]["name"] == "Email Sent"
    assert result.spec["properties"] == {"first_name": {"description": "Given name", "from": "properties.first_name",
                                                        "label": "`first name`"}}


def test_import_never_overwrites_and_bad_front_matter_is_located(cli, tmp_path):
    path = tmp_path / "acme.md"
    path.write_text(textwrap.dedent(page(PIPE_EVENTS, "")).lstrip())
    assert cli("import", str(path), "--out", str(tmp_path / "out")).exit_code == 0
    again = cli("import", str(path), "--out", str(tmp_path / "out"))
    assert again.exit_code == 2 and "already exists; import never overwrites a spec" in again.stderr
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = cli("import", str(broken), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and f"{broken}:1:1: error: (root): front matter is not valid YAML" in result.stderr


PIECES = list("#|-*`>[]()!{}%:_\n \t\"'<>/=aAbB1.") + [
    "## Events\n", "| a | b |\n", "|---|---|\n", "<table><tr><td>", "</td></tr></table>", "---\n", "title: X\n",
    "{% include x %}", '> info "t"\n', "**Stream**\n", "mailto:", "](http://x.y/?utm_source=segmentio)", "```\n", "<!--",
    "## Event Properties\n", "#### ", "| Property Name | Type | Description |\n", "| Collection | Type | Description |\n",
    "| Event | Object | String |\n", "<th>", "<code>", "<a href='x'>", "<br>", "\\_", "`a`, `b`",
    "<!-- srcfn-lint disable-next-line latin -- x -->\n", "<!-- srcfn-lint disable -->"]
markdownish = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
truncated = st.tuples(st.sampled_from(sorted(SEEDS.values()) + ["partner-template.md"]), st.integers(0, 6000)).map(
    lambda t: (ROOT / "tests" / "oracles" / t[0]).read_text()[: t[1]])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(markdownish, truncated))
def test_import_and_lint_never_crash(text):
    page = parse_page(text, "fuzz.md")
    assert all(f.line >= 1 for f in lint_page(page))
    if page.front_error:  # the one refusal: reported by `srcfn import` as a located error
        return
    result = import_page(page, "fuzz")
    check_loads(spec_yaml(result, "fuzz.md"), result.slug, "fuzz.md")  # whatever the page, the spec loads


def test_what_import_cannot_carry_is_reported_with_its_line(cli, tmp_path):
    events = ("| Event Name | Description |\n| --- | --- |\n| Email Opened | Opened |\n| | No name |\n"
              "| Email Opened | Again |\n| Email Sent | |")
    text = page(events, "").replace("1. Log in to your Acme account",
                                    "| Plan | Price |\n|---|---|\n| Pro | 10 |\n\n1. Log in to your Acme account")
    path = tmp_path / "acme.md"
    path.write_text(textwrap.dedent(text).lstrip())
    result = cli("import", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    todos = [line.split(": todo: ", 1) for line in result.stderr.splitlines()]
    assert [(where.removeprefix(f"{path}:"), what) for where, what in todos] == [
        ("1:1", "/identity: identity rules come from prose; write them as rules"),
        ("11:1", "/extra_sections: a table of 2 rows in the 'Getting started' section is not carried over (the template "
                 "writes that section): move it to an extra section"),
        ("26:1", "/events: a row without a name: left out"),
        ("27:1", "/events: 'Email Opened' is listed twice (first on line 25): kept the first"),
        ("28:1", "/events: 'Email Sent' has no description: wrote a TODO")]


def test_a_table_per_event_imports_as_per_event_lists(tmp_path):
    props = ("## Event Properties\n\n#### Email Opened\n\n| Property Name | Type | Description |\n|---|---|---|\n"
             "| `email_id` | String | ID of the email |\n\n#### Link Clicked\n\n"
             "| Property Name | Type | Description |\n|---|---|---|\n| `url` | string | The link |\n| `email_id` | String | ID of the email |")
    result = imported(page(PIPE_EVENTS, props))
    assert [(e["name"], e["properties"]) for e in result.spec["events"]] == [
        ("Email Opened", ["email_id"]), ("Link Clicked", ["url", "email_id"])]
    assert result.spec["page"] == {"properties": {"columns": [
        {"show": "name", "title": "Property Name"}, {"show": "type", "title": "Type"},
        {"show": "description", "title": "Description"}], "level": 4, "layout": "per_event"}}
    assert result.spec["properties"]["email_id"] == {"description": "ID of the email", "from": "properties.email_id",
                                                     "schema": {"type": "string"}, "cells": {"Type": "String"}}
    built = regenerated(tmp_path, result)
    assert "#### Email Opened\n\n| Property Name | Type   | Description     |\n" in built
    assert pagetables.every_table(built)[1:] == pagetables.every_table(props)


def test_html_cells_keep_their_markup_and_th_rows_are_headers(tmp_path):
    events = ("<table>\n<thead><tr><th>Trigger</th><th>Meaning</th></tr></thead>\n"
              "<tr><td>Email Sent</td><td>Sent to <code>to_address</code>, see <a href=\"https://acme.example.com/d\">the docs</a>"
              "<br>then <b>done</b></td></tr>\n</table>")
    result = imported(page(events, ""))
    assert result.spec["events"][0] == {
        "name": "Email Sent", "description": "Sent to `to_address`, see [the docs](https://acme.example.com/d)<br>then **done**",
        "on": "email_sent"}
    assert result.spec["page"]["events"]["columns"] == [{"show": "name", "title": "Trigger"},
                                                       {"show": "description", "title": "Meaning"}]
    assert pagetables.every_table(regenerated(tmp_path, result))[0] == [
        ["Trigger", "Meaning"], ["Email Sent", "Sent to to_address, see the docs<br>then done"]]


def test_names_and_titles_too_long_for_a_spec_are_reported_not_fatal():
    long = "Very " * 60
    events = f"### {long}\n\n| Event Name | {long} |\n|---|---|\n| {long} | d |\n| Ok Event | fine |"
    props = f"## Event Properties\n\n| Property Name | Description |\n|---|---|\n| `{'x' * 300}` | d |\n| `ok` | f |"
    result = imported(page(events, props))  # the spec loads
    assert [e.get("name") for e in result.spec["events"]] == ["Ok Event"] and list(result.spec["properties"]) == ["ok"]
    assert [t.format().split(" (")[0] for t in result.todos if t.pointer != "/identity" and "carries" not in t.message] == [
        "page.md:21:1: todo: /page: the heading over this table is longer than a title",
        "page.md:21:1: todo: /page: column 2's header is longer than a title",
        f"page.md:23:1: todo: /events: the name {long[:40]!r}... is longer than an event name",
        f"page.md:30:1: todo: /properties: the name {'x' * 40!r}... is longer than a property name"]


# Catalog-like pages with random layouts: what works on the 24 live pages must work on the rest of the catalog.
WORDS = st.sampled_from(["order", "email", "the", "user", "Sent", "a", "of", "ID", "list", "iOS", "50%", "&", "(beta)",
                         "`code`", "x_y", "e-mail", "it's", "A|B", "2.5", "**bold**", "Zone", "a.b", "—", "é"])
TEXT = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
EVENT_NAMES = st.sampled_from(["Order Placed", "Email Sent", "call.created", "user_signed_up", "placeArrival",
                               "Zone Entered (Beta)", "IDENTIFY_USER", "Link Clicked", "NPS Response Sent", "iOS Push Opened"])
PROPERTY_NAMES = st.sampled_from(["order_id", "emailId", "user.email", "revenue", "timeStamp, receivedAt",
                                  "favorite_color (example)", "Common Properties", "$price", "a-b", "tutorialId"])


def _table_text(header: list[str] | None, rows: list[list[str]], style: str) -> str:
    if style == "pipe":
        lines = [header, ["---"] * len(header)] + rows
        return "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in lines)
    head = {"td": "td", "th": "th", "bold": "td"}.get(style, "td")
    cell = lambda c, tag: f"<{tag}>{html.escape(c.replace('`', '').replace('**', ''), quote=False)}</{tag}>"  # noqa: E731
    out = ["<table>"]
    if header and style != "none":
        out.append("  <tr>" + "".join(cell(f"**{c}**" if style == "bold" else c, head) for c in header) + "</tr>")
    out += ["  <tr>" + "".join(cell(c, "td") for c in r) + "</tr>" for r in rows]
    return "\n".join(out + ["</table>"])


@st.composite
def catalog_page(draw):
    events = draw(st.lists(EVENT_NAMES, min_size=1, max_size=6, unique=True))
    cuts = sorted(draw(st.sets(st.integers(1, len(events) - 1), max_size=2))) if len(events) > 1 else []
    extra = draw(st.sampled_from([[], ["Platform"], ["Type"], ["Trigger", "Platform"]]))
    columns = [draw(st.sampled_from(["Event Name", "Event", "Collection"])), *extra,
               draw(st.sampled_from(["Description", "Details"]))]
    parts, start = [], 0
    for n, end in enumerate(cuts + [len(events)]):
        style = draw(st.sampled_from(["pipe", "td", "th", "bold", "none"]))
        rows = [[e, *("Event" if c == "Type" else draw(TEXT) for c in extra), draw(TEXT)] for e in events[start:end]]
        title = draw(st.sampled_from(["", "### Group A\n\n", "#### More events\n\n", "Also these:\n\n"])) if n else ""
        parts.append(title + _table_text(columns, rows, style))
        start = end
    props = draw(st.lists(PROPERTY_NAMES, max_size=6, unique=True))
    prop_text = ""
    if props:
        typed = draw(st.booleans())
        header = ["Property Name", *(["Type"] if typed else []), "Description"]
        titles = draw(st.sampled_from([[""], [f"#### {events[0]}\n\n"], ["### Shared\n\n", f"### {events[-1]}\n\n"]]))
        tables = []
        for i, title in enumerate(titles):
            chosen = list(dict.fromkeys(props[i::len(titles)] + props[:i]))  # a later table repeats the first property
            rows = [[f"`{p}`", *([draw(st.sampled_from(["String", "string", "integer", "float", "number, string",
                                                        '"a" , "b"']))] if typed else []), draw(TEXT)] for p in chosen]
            tables.append(title + _table_text(header, rows, draw(st.sampled_from(["pipe", "th"]))))
        prop_text = "## Event Properties\n\n" + "\n\n".join(tables)
    return page("\n\n".join(parts), prop_text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(generated=catalog_page())
def test_random_catalog_layouts_keep_every_row_and_cell(tmp_path_factory, generated):
    text = generated
    built = regenerated(tmp_path_factory.mktemp("page"), imported(text))
    before, after = pagetables.every_table(text), pagetables.every_table(built)
    assert len(after) == len(before)
    for old, new in zip(before, after):
        assert new[-len(old):] == old  # a table written without a header row gets the template's
