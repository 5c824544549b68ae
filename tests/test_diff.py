"""`srcfn diff`: every change kind and class, from git revisions committed in a temporary repository."""
from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest
import yaml

SCORE_JS = "function score(total) {\n  return total > 100 ? 'high' : 'low';\n}\n"

BASE = {
    "source": {"name": "Acme", "slug": "acme", "website": "https://acme.example.com/", "intro": "is a test source.",
               "maintainer": {"support_email": "support@acme.example.com"}},
    "connect": {"path": "Settings > Segment"},
    "settings": [{"name": "token", "label": "Token", "type": "STRING", "required": True, "sensitive": True},
                 {"name": "region", "label": "Region", "type": "STRING"}],
    "webhook": {
        "event_type": "type", "message_id": "id", "timestamp": "at",
        "signature": {"scheme": "query_token", "query": "token", "secret_setting": "token"},
        "payload": {"type": "object", "required": ["type", "id"], "properties": {
            "type": {"type": "string", "enum": ["order_placed", "order_refunded", "signup", "team_joined", "page_seen"]},
            "id": {"type": "string"}, "at": {"type": "string"},
            "user": {"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"},
                                                       "phone": {"type": "string"}}},
            "order": {"type": "object", "properties": {"total": {"type": "integer"}, "ref": {"type": "string"},
                                                        "currency": {"type": "string", "enum": ["USD", "EUR"]}}},
            "team": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}}},
    "identity": {"user_id": {"value": "user.id", "describe": "the user id"},
                 "anonymous_id": {"value": "user.email", "describe": "the email address"}},
    "events": [
        {"name": "Order Placed", "description": "An order was placed.", "on": "order_placed",
         "properties": ["total", "currency", "score"]},
        {"name": "Order Refunded", "description": "An order was refunded.", "on": "order_refunded",
         "properties": ["total"]},
        {"call": "identify", "name": "Signup", "on": "signup", "traits": {"email": "user.email"}},
        {"call": "group", "name": "Team", "on": "team_joined", "group_id": "team.id", "traits": {"name": "team.name"}},
    ],
    "properties": {
        "total": {"description": "Order total in cents.", "from": "order.total", "schema": {"type": "integer"}},
        "currency": {"description": "Currency code.", "from": "order.currency",
                     "schema": {"type": "string", "enum": ["USD", "EUR"]}},
        "score": {"description": "High or low.", "from": {"function": "score", "args": ["order.total"]}},
    },
    "functions": {"score": {"returns": {"type": "string"}}},
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True, text=True).stdout


def write(repo: Path, spec: dict | None, slug: str = "acme", score: str = SCORE_JS) -> None:
    folder = repo / "specs" / slug
    if spec is None:
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (folder / "score.js").write_text(score, encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def changed(repo, cli, before: dict, after: dict, *args: str, **write_args):
    """Commit `before`, then `after`, and return the JSON changes of `srcfn diff --base HEAD~1` and its result."""
    write(repo, before)
    commit(repo, "before")
    write(repo, after, **write_args)
    commit(repo, "after")
    result = cli("diff", "--base", "HEAD~1", "--format", "json", *args, cwd=repo)
    return json.loads(result.stdout)["changes"], result


def edit(fn):
    spec = copy.deepcopy(BASE)
    fn(spec)
    return spec


def event(spec, name):
    return next(e for e in spec["events"] if e.get("name") == name)


# (id, edit of the base spec for the old version, edit for the new one, [(class, kind, text)] expected exactly)
CASES = [
    ("event added", None, lambda s: s["events"].append({"name": "Page Seen", "description": "A page was seen.",
                                                         "on": "page_seen"}),
     [("compatible", "event-added", 'track "Page Seen"')]),
    ("event removed", None, lambda s: s["events"].pop(1),
     [("breaking", "event-removed", 'track "Order Refunded"')]),
    ("event renamed", None, lambda s: event(s, "Order Refunded").update(name="Refund Issued"),
     [("breaking", "event-renamed", 'track "Order Refunded"')]),
    ("event route", None, lambda s: event(s, "Order Refunded").update(on=["order_refunded", "page_seen"]),
     [("compatible", "event-route", 'track "Order Refunded"')]),
    ("event description", None, lambda s: event(s, "Order Refunded").update(description="Money went back."),
     [("docs", "event-description", 'track "Order Refunded"')]),
    ("identity changed", None, lambda s: s["identity"]["user_id"].update(value="user.phone"),
     [("breaking", "identity-changed", 'userId of track "Order Placed", track "Order Refunded" and 2 more calls')]),
    ("identity removed", None, lambda s: s["identity"].pop("anonymous_id"),
     [("breaking", "identity-removed", 'anonymousId of track "Order Placed", track "Order Refunded" and 2 more calls')]),
    ("identity added", lambda s: s["identity"].pop("anonymous_id"), None,
     [("compatible", "identity-added", 'anonymousId of track "Order Placed", track "Order Refunded" and 2 more calls')]),
    ("property added", None, lambda s: event(s, "Order Refunded")["properties"].append("currency"),
     [("compatible", "property-added", 'property "currency" of track "Order Refunded"')]),
    ("property removed", None, lambda s: event(s, "Order Placed")["properties"].remove("currency"),
     [("breaking", "property-removed", 'property "currency" of track "Order Placed"')]),
    ("property widened", None, lambda s: s["properties"]["total"].update(schema={"type": "number"}),
     [("breaking", "property-retyped", 'property "total" of track "Order Placed" and track "Order Refunded"')]),
    ("property narrowed", lambda s: s["properties"]["total"].update(schema={"type": ["integer", "string"]}), None,
     [("compatible", "property-retyped", 'property "total" of track "Order Placed" and track "Order Refunded"')]),
    ("enum narrowed", None, lambda s: s["properties"]["currency"]["schema"].update(enum=["USD"]),
     [("compatible", "property-constrained", 'property "currency" of track "Order Placed"')]),
    ("enum widened", None, lambda s: s["properties"]["currency"]["schema"].update(enum=["USD", "EUR", "GBP"]),
     [("breaking", "property-constrained", 'property "currency" of track "Order Placed"')]),
    ("schema annotation", None, lambda s: s["properties"]["total"]["schema"].update(description="cents"),
     [("docs", "property-schema-docs", 'property "total" of track "Order Placed" and track "Order Refunded"')]),
    ("property source", None, lambda s: s["properties"]["total"].update({"from": {"add": ["order.total", 1]}}),
     [("compatible", "property-source", 'property "total" of track "Order Placed" and track "Order Refunded"')]),
    ("property description", None, lambda s: s["properties"]["total"].update(description="The total."),
     [("docs", "property-description", 'property "total" of track "Order Placed" and track "Order Refunded"')]),
    ("property required", None, lambda s: event(s, "Order Placed").update(required=["total"]),
     [("breaking", "property-required", 'property "total" of track "Order Placed"')]),
    ("property optional", lambda s: event(s, "Order Placed").update(required=["total"]), None,
     [("compatible", "property-optional", 'property "total" of track "Order Placed"')]),
    ("trait added", None, lambda s: event(s, "Signup")["traits"].update(phone="user.phone"),
     [("compatible", "trait-added", 'trait "phone" of identify')]),
    ("trait removed", None, lambda s: event(s, "Team").update(traits={}),
     [("breaking", "trait-removed", 'trait "name" of group')]),
    ("trait retyped", None, lambda s: event(s, "Signup")["traits"].update(email={"length": "user.email"}),
     [("breaking", "trait-retyped", 'trait "email" of identify')]),
    ("group id", None, lambda s: event(s, "Team").update(group_id="team.name"),
     [("breaking", "field-changed", "groupId of group")]),
    ("message id of a call", None, lambda s: event(s, "Order Placed").update(message_id="order.ref"),
     [("compatible", "field-changed", 'messageId of track "Order Placed"')]),
    ("call kind removed", None, lambda s: s["events"].pop(3),
     [("breaking", "event-removed", "group"), ("breaking", "call-kind-removed", "group calls")]),
    ("call kind added", None, lambda s: s["events"].append({"call": "page", "name": "Seen", "on": "page_seen"}),
     [("compatible", "event-added", 'page "Seen"'), ("compatible", "call-kind-added", "page calls")]),
    ("required setting added", None, lambda s: s["settings"].append({"name": "account", "label": "Account",
                                                                     "type": "STRING", "required": True}),
     [("breaking", "setting-added", "setting account")]),
    ("optional setting added", None, lambda s: s["settings"].append({"name": "account", "label": "Account",
                                                                     "type": "STRING"}),
     [("compatible", "setting-added", "setting account")]),
    ("setting retyped", None, lambda s: s["settings"][1].update(type="ARRAY"),
     [("breaking", "setting-retyped", "setting region")]),
    ("setting now required", None, lambda s: s["settings"][1].update(required=True),
     [("breaking", "setting-required", "setting region")]),
    ("setting label", None, lambda s: s["settings"][1].update(label="Data region"),
     [("docs", "setting-described", "setting region")]),
    ("setting removed", None, lambda s: s["settings"].pop(1),
     [("compatible", "setting-removed", "setting region")]),
    ("webhook message id", None, lambda s: s["webhook"].update(message_id="order.ref"),
     [("compatible", "webhook-changed", "webhook message_id")]),
    ("payload schema", None, lambda s: s["webhook"]["payload"]["properties"].update(extra={"type": "string"}),
     [("compatible", "payload-schema-changed", "webhook payload schema")]),
    ("signature changed", None, lambda s: s["webhook"]["signature"].update(query="key"),
     [("breaking", "signature-changed", "webhook signature")]),
    ("signature removed", None, lambda s: s["webhook"].pop("signature"),
     [("compatible", "signature-changed", "webhook signature")]),
    ("integration version", None, lambda s: s["source"].update(version="1.1.0"),
     [("compatible", "integration-changed", "source name or version")]),
    ("page text", None, lambda s: s["source"].update(intro="is a better test source."),
     [("docs", "page-changed", "catalog page")]),
    ("function returns", None, lambda s: s["functions"]["score"].update(returns={"type": ["string", "null"]}),
     [("breaking", "property-retyped", 'property "score" of track "Order Placed"'),
      ("breaking", "function-retyped", "calls returned by function score()")]),
]


@pytest.mark.parametrize("before,after,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_change_kind_is_classed(repo, cli, before, after, expected):
    changes, result = changed(repo, cli, edit(before or (lambda s: None)), edit(after or (lambda s: None)))
    assert [(c["class"], c["kind"], _text(c)) for c in changes] == expected
    assert all(c["reason"] for c in changes)
    assert result.exit_code == (1 if any(e[0] == "breaking" for e in expected) else 0)


def _text(change: dict) -> str:
    calls = change["calls"]
    if not calls:
        return change["subject"]
    shown = calls if len(calls) <= 3 else [*calls[:2], f"{len(calls) - 2} more calls"]
    return f"{change['subject']} of " + (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1])


def test_function_code_change(repo, cli):
    changes, result = changed(repo, cli, BASE, BASE, score=SCORE_JS.replace("100", "200"))
    assert [(c["class"], c["kind"], c["subject"]) for c in changes] == \
        [("compatible", "function-code", "function score()")]
    assert result.exit_code == 0


def test_sources_added_and_removed(repo, cli):
    write(repo, BASE)
    commit(repo, "one source")
    other = edit(lambda s: s["source"].update(slug="other", name="Other"))
    write(repo, other, slug="other")
    write(repo, None)
    commit(repo, "another")
    result = cli("diff", "--base", "HEAD~1", "--format", "json", cwd=repo)
    got = [(c["source"], c["class"], c["kind"], c["file"]) for c in json.loads(result.stdout)["changes"]]
    assert got == [("acme", "breaking", "source-removed", "HEAD~1:specs/acme/source.yaml"),
                   ("other", "compatible", "source-added", "specs/other/source.yaml")]
    assert result.exit_code == 1


def test_text_output_locates_each_change_and_sums_up(repo, cli):
    write(repo, BASE)
    commit(repo, "before")
    write(repo, edit(lambda s: (event(s, "Order Refunded").update(name="Refund Issued"),
                                s["properties"]["total"].update(description="The total."))))
    result = cli("diff", cwd=repo)
    lines = result.stdout.splitlines()
    spec = (repo / "specs/acme/source.yaml").read_text().splitlines()
    renamed_line = next(i + 1 for i, text in enumerate(spec) if "Refund Issued" in text)
    total_line = spec.index("  total:", spec.index("properties:")) + 1
    assert lines == [
        f'specs/acme/source.yaml:{total_line}: docs: property "total" of track "Order Placed" and track "Refund '
        'Issued": its description changed (the page)',
        f'specs/acme/source.yaml:{renamed_line}: breaking: track "Order Refunded": renamed to track "Refund Issued" '
        "(same webhooks): reports, audiences and destinations keyed on the old name stop receiving it",
        "diff against HEAD: 1 breaking, 1 docs (2 changes)",
    ]
    assert result.exit_code == 1
    allowed = cli("diff", "--allow-breaking", cwd=repo)
    assert allowed.exit_code == 0
    assert allowed.stdout.splitlines()[-1] == "diff against HEAD: 1 breaking, 1 docs (2 changes) (allowed)"


def test_github_and_markdown_formats(repo, cli):
    write(repo, BASE)
    commit(repo, "before")
    write(repo, edit(lambda s: (event(s, "Order Placed")["properties"].remove("currency"),
                                s["source"].update(intro="is | a test."))))
    github = cli("diff", "--format", "github", cwd=repo)
    assert github.stdout.splitlines()[0].startswith(
        "::error file=specs/acme/source.yaml,line=")
    assert github.stdout.splitlines()[0].endswith(
        ',title=srcfn diff: breaking::property "currency" of track "Order Placed": no longer sent: warehouse columns '
        "stop filling, destinations mapping it get nothing")
    assert github.stdout.splitlines()[1].startswith("::notice file=specs/acme/source.yaml,line=1,title=srcfn diff: docs")
    assert github.stderr.strip() == "diff against HEAD: 1 breaking, 1 docs (2 changes)"
    allowed = cli("diff", "--format", "github", "--allow-breaking", cwd=repo)
    assert allowed.stdout.startswith("::warning ")
    md = cli("diff", "--format", "markdown", cwd=repo)
    assert md.stdout == (
        "### srcfn diff against `HEAD`\n\n**1 breaking**, 1 docs.\n\n"
        "| Class | Source | Change | Why |\n|---|---|---|---|\n"
        '| **breaking** | acme | property "currency" of track "Order Placed" | no longer sent: warehouse columns stop '
        "filling, destinations mapping it get nothing |\n"
        "| docs | acme | catalog page | the source's page text changed (source, connect, notices or extra sections) |"
        "\n\n")
    assert md.exit_code == 1


def test_docs_only_edit_changes_the_page_not_the_handler(repo, cli):
    write(repo, BASE)
    commit(repo, "before")
    assert cli("generate", cwd=repo).exit_code == 0
    before = {p.name: p.read_bytes() for p in (repo / "build/acme").iterdir()}
    write(repo, edit(lambda s: (event(s, "Order Placed").update(description="Someone bought something."),
                                s["properties"]["total"].update(description="The total."))))
    assert cli("generate", cwd=repo).exit_code == 0
    after = {p.name: p.read_bytes() for p in (repo / "build/acme").iterdir()}
    assert after["handler.js"] == before["handler.js"]
    assert after["index.md"] != before["index.md"]
    result = cli("diff", cwd=repo)  # against HEAD, the working tree's edit
    assert {c.split(": ")[1] for c in result.stdout.splitlines()[:-1]} == {"docs"}
    assert result.exit_code == 0


def test_no_changes_and_slug_filter(repo, cli):
    write(repo, BASE)
    write(repo, edit(lambda s: s["source"].update(slug="other", name="Other")), slug="other")
    commit(repo, "two")
    write(repo, edit(lambda s: s["source"].update(slug="other", name="Other", intro="is new.")), slug="other")
    assert cli("diff", "acme", cwd=repo).stdout == "diff against HEAD: no changes\n"
    assert "docs" in cli("diff", "other", cwd=repo).stdout


def test_old_folder_instead_of_a_revision(tmp_path, cli):
    for side, spec in (("old", BASE), ("new", edit(lambda s: s["events"].pop(1)))):
        folder = tmp_path / side / "acme"
        folder.mkdir(parents=True)
        (folder / "source.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
        (folder / "score.js").write_text(SCORE_JS, encoding="utf-8")
    result = cli("diff", "--specs", "new", "--old", "old", cwd=tmp_path)
    assert result.stdout.splitlines()[-1] == "diff against old: 1 breaking (1 change)"


def test_a_base_version_that_no_longer_loads_counts_as_new(repo, cli):
    write(repo, edit(lambda s: s["source"].update(status="retired")))
    commit(repo, "broken")
    write(repo, BASE)
    result = cli("diff", "--base", "HEAD", cwd=repo)
    assert result.stderr.startswith("HEAD:specs/acme/source.yaml:")
    assert "warning: /source/status: the HEAD version does not load (" in result.stderr
    assert result.stdout.splitlines()[0].endswith("compatible: source acme: a new source: nothing downstream "
                                                  "depends on it yet")
    assert result.exit_code == 0


@pytest.mark.parametrize("args,message", [
    (("--base", "nope"), "srcfn: --base nope: not a commit of the git repository at "),
    (("--base", "HEAD", "--old", "x"), "give --base GIT_REV or --old DIR, not both"),
    (("--old", "missing"), "srcfn: missing: no such folder (--old)"),
    (("ghost",), "srcfn: no spec for 'ghost' in specs/ or in the version compared with"),
    (("--replay", "traffic.ndjson"), "srcfn: traffic.ndjson: no such file (--replay)"),
])
def test_bad_usage_exits_2_with_one_message(repo, cli, args, message):
    write(repo, BASE)
    commit(repo, "one")
    result = cli("diff", *args, cwd=repo)
    assert result.exit_code == 2
    assert message in result.stderr


def test_outside_a_git_repository(tmp_path, cli):
    write(tmp_path, BASE)
    result = cli("diff", cwd=tmp_path)
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr and "use --old DIR" in result.stderr


def test_specs_folder_new_in_this_revision(repo, cli):
    (repo / "README").write_text("x")
    commit(repo, "no specs yet")
    write(repo, BASE)
    result = cli("diff", "--format", "json", cwd=repo)
    assert [c["kind"] for c in json.loads(result.stdout)["changes"]] == ["source-added"]


def orders(n_placed: int, n_refunded: int) -> str:
    lines = [json.dumps({"type": "order_placed", "id": f"p{i}", "user": {"id": f"u{i}"},
                         "order": {"total": 100 + i, "currency": "USD"}}) for i in range(n_placed)]
    lines += [json.dumps({"type": "order_refunded", "id": f"r{i}", "user": {"id": f"u{i}"},
                          "order": {"total": 5}}) for i in range(n_refunded)]
    lines += [json.dumps({"type": "signup", "id": "s1", "user": {"id": "u9", "email": "a@example.com"}}),
              "{not json", json.dumps({"type": "order_placed"})]
    return "\n".join(lines) + "\n"


def test_replay_counts_the_calls_that_change(repo, cli):
    (repo / "traffic.ndjson").write_text(orders(5, 3), encoding="utf-8")
    unsigned = lambda s: s["webhook"].pop("signature")  # noqa: E731
    changes, result = changed(repo, cli, edit(unsigned), edit(lambda s: (
        unsigned(s), s["properties"]["total"].update({"from": {"add": ["order.total", 1]}}),
        event(s, "Order Refunded").update(name="Refund Issued"))), "--replay", "traffic.ndjson")
    replay = json.loads(result.stdout)["replay"]
    assert replay == {
        "webhooks": 10, "calls_before": 9, "calls_after": 9, "changed_calls": 5,
        "changed_by_event": {'track "Order Placed"': 5}, "changed_by_field": {"properties.total": 5},
        "calls_removed": {'track "Order Refunded"': 3}, "calls_added": {'track "Refund Issued"': 3},
        "outcomes_changed": {}, "invalid_lines": 1,
        "examples": {
            'added track "Refund Issued"': [{"line": 6, "text": replay["examples"]['added track "Refund Issued"'][0]["text"]},
                                            {"line": 7, "text": replay["examples"]['added track "Refund Issued"'][1]["text"]},
                                            {"line": 8, "text": replay["examples"]['added track "Refund Issued"'][2]["text"]}],
            'changed track "Order Placed"': [{"line": 1, "text": "properties.total: 100 → 101"},
                                             {"line": 2, "text": "properties.total: 101 → 102"},
                                             {"line": 3, "text": "properties.total: 102 → 103"}],
            'removed track "Order Refunded"': replay["examples"]['removed track "Order Refunded"']},
    }
    assert '"event": "Refund Issued"' in replay["examples"]['added track "Refund Issued"'][0]["text"]
    text = cli("diff", "--base", "HEAD~1", "--replay", "traffic.ndjson", "--allow-breaking", cwd=repo).stdout
    assert "replay of traffic.ndjson: 10 webhooks, 9 calls before, 9 after; 5 changed, 3 no longer emitted, " \
           "3 new; 1 invalid lines" in text
    assert "         5  properties.total" in text
    assert "  traffic.ndjson:10:2: (root): invalid JSON" in text


def test_replay_counts_webhooks_newly_rejected(repo, cli):
    (repo / "traffic.ndjson").write_text(orders(2, 0), encoding="utf-8")
    unsigned = lambda s: s["webhook"].pop("signature")  # noqa: E731
    tighter = lambda s: (unsigned(s), s["webhook"]["payload"]["properties"]["order"].update(required=["ref"]))  # noqa: E731
    _, result = changed(repo, cli, edit(unsigned), edit(tighter), "--replay", "traffic.ndjson")
    replay = json.loads(result.stdout)["replay"]
    assert replay["outcomes_changed"] == {"ok → ValidationError": 2}
    assert replay["calls_removed"] == {'track "Order Placed"': 2}


def test_replay_needs_one_source(repo, cli):
    write(repo, BASE)
    write(repo, edit(lambda s: s["source"].update(slug="other", name="Other")), slug="other")
    commit(repo, "two")
    (repo / "t.ndjson").write_text("{}\n")
    result = cli("diff", "--replay", "t.ndjson", cwd=repo)
    assert result.exit_code == 2
    assert "--replay compares one source: name one SLUG that both versions have (both have: acme, other)" in result.stderr
