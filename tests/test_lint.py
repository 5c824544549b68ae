"""`srcfn lint`: each rule with a page that breaks it and one that does not; the seed pages; `srcfn docs`."""
from __future__ import annotations

import textwrap

import pytest

from conftest import ROOT
from srcfn.generator.pages.lint import NAMING_RULES, RULES, lint_page
from srcfn.generator.pages.parse import parse_page

CLEAN = textwrap.dedent("""\
    ---
    title: Acme Source
    id: aBcDeFgHiJ
    ---

    [Acme](https://acme.example.com/?utm_source=segmentio&utm_medium=docs&utm_campaign=partners){:target="_blank"} sends engagement events to Segment.

    This source is maintained by Acme. For any issues with the source, [contact their Support team](mailto:help@acme.example.com).

    ## Getting started

    1. Log in to your Acme account, navigate to **Settings > Segment** and paste the write key.

    ## Stream

    Acme uses a server-side `track` method to send data to Segment.

    ## Events

    | Event Name   | Description                        |
    | ------------ | ---------------------------------- |
    | Email Opened | The recipient opened the `email_id` email |

    ## Event Properties

    | Property Name | Description     |
    | ------------- | --------------- |
    | `email_id`    | ID of the email |

    ## Adding Destinations

    Now that your Source is set up, you can connect it with Destinations.
    """)

# rule: (text to replace in CLEAN, what breaks the rule, what keeps it)
CASES = {
    "required-sections": ("## Stream\n\nAcme uses", "Acme uses", "## Stream\n\nAcme uses"),
    "section-order": ("## Getting started", "## Adding Destinations\n\nFirst.\n\n## Getting started", "## Getting started"),
    "title-source": ("title: Acme Source", "title: Acme", "title: Acme Source"),
    "front-matter": ("id: aBcDeFgHiJ", "id: aBcDeFgHiJ\nbeta: true", "id: aBcDeFgHiJ"),
    "template-leftover": ("sends engagement", "(delete after reading) sends engagement", "sends engagement"),
    "utm": ("?utm_source=segmentio&utm_medium=docs&utm_campaign=partners", "", "?utm_source=segmentio&utm_medium=docs&utm_campaign=partners"),
    "curly-target": ('{:target="_blank"}', '{:target="_blank”}', '{:target="_blank"}'),
    "mailto": ("(mailto:help@acme.example.com)", "(help@acme.example.com)", "(mailto:help@acme.example.com)"),
    "first-person": ("sends engagement events", "sends our engagement events", "sends its engagement events"),
    "latin": ("sends engagement events", "sends events, e.g. opens,", "sends events, for example opens,"),
    "substitutions": ("sends engagement events", "utilize engagement events", "use engagement events"),
    "heading-case": ("## Adding Destinations", "## Extra Notes For Acme\n\nText.\n\n## Adding Destinations",
                     "## Extra notes for Acme\n\nText.\n\n## Adding Destinations"),
    "event-case": ("| Email Opened |", "| email opened |", "| Email Opened |"),
    "property-case": ("| `email_id`    |", "| `emailId`    |", "| `email_id`    |"),
    "events-table": ("| Email Opened | The recipient opened the `email_id` email |", "", "| Email Opened | Opened |"),
    "missing-property": ("the `email_id` email", "the `campaign_id` email", "the `email_id` email"),
    "html-table": ("## Adding Destinations", "<table><tr><td>a</td></tr></table>\n\n## Adding Destinations", "## Adding Destinations"),
}


def rules_hit(text: str) -> set[str]:
    return {f.rule for f in lint_page(parse_page(text, "page.md"))}


def test_the_clean_page_is_clean():
    assert lint_page(parse_page(CLEAN, "page.md")) == []


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_positive_and_negative(rule):
    where, bad, good = CASES[rule]
    assert where in CLEAN
    assert rule in rules_hit(CLEAN.replace(where, bad, 1))
    assert rule not in rules_hit(CLEAN.replace(where, good, 1))


def test_findings_are_located(cli, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(CLEAN.replace("sends engagement events", "sends our engagement events"))
    result = cli("lint", str(page))
    column = page.read_text().splitlines()[5].index(" our ") + 2
    assert result.exit_code == 1
    assert result.stdout == f"{page}:6:{column}: first-person first person 'our': write in the third person\n"


def test_partner_template_reports_leftovers_and_curly_quotes(cli, tmp_path):
    template = (ROOT / "tests" / "oracles" / "partner-template.md").read_text()
    page = tmp_path / "template.md"
    page.write_text(template.split("## Template begins here...\n", 1)[1])
    out = cli("lint", str(page)).stdout
    assert f"{page}:5:3: template-leftover template text left in the page: (delete after reading)" in out
    assert f"{page}:7:2: template-leftover template text left in the page: <integration_name>" in out
    assert f"{page}:7:30: template-leftover template text left in the page: yourintegration.com" in out
    # The template's quote is mojibake of a curly quote (`‚Äù`, `”` read as Mac Roman): flagged all the same.
    assert f"{page}:7:110: curly-target curly quote in {{:target=\"_blank\u201a\u00c4\u00f9}}" in out
    assert f"{page}:19:107: curly-target" in out


def test_yotpo_seed_reports_curly_quotes_and_mailto(cli):
    out = cli("lint", "tests/oracles/yotpo.md").stdout
    assert "tests/oracles/yotpo.md:6:87: curly-target curly quote in {:target=\"_blank\u201d}: kramdown drops the attribute" in out
    assert "tests/oracles/yotpo.md:12:107: curly-target" in out
    assert "tests/oracles/yotpo.md:60:103: mailto email link (support@yotpo.com) needs mailto:" in out


def test_disable_and_github_format(cli):
    result = cli("lint", "tests/oracles/yotpo.md", "--disable", "curly-target", "--disable", "mailto", "--format", "github")
    assert "curly-target" not in result.stdout and "mailto" not in result.stdout
    assert result.stdout.splitlines()[0].startswith("::error file=tests/oracles/yotpo.md,line=")
    assert cli("lint", "tests/oracles/yotpo.md", "--disable", "no-such-rule").exit_code == 2


@pytest.mark.parametrize("slug", ["yotpo", "klaviyo", "listrak"])
def test_generated_pages_lint_clean(slug):
    page = parse_page((ROOT / "build" / slug / "index.md").read_text(), "index.md")
    assert lint_page(page, NAMING_RULES) == []


def test_check_lints_generated_pages(cli, project):
    spec = project / "specs" / "yotpo" / "source.yaml"
    spec.write_text(spec.read_text().replace("It enables businesses to collect", "We let businesses collect"))
    assert cli("generate", cwd=project).exit_code == 0
    result = cli("check", "--no-fixtures", cwd=project)
    assert result.exit_code == 1
    assert "build/yotpo/index.md:6:" in result.stdout and "first-person first person 'We'" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("1 lint finding in generated pages")


def test_docs_into_a_segment_docs_checkout(cli, tmp_path):
    checkout = tmp_path / "segment-docs"
    catalog = checkout / "src/connections/sources/catalog/cloud-apps"
    (catalog / "yotpo").mkdir(parents=True)
    (catalog / "yotpo" / "index.md").write_text("old page\n")
    (catalog / "other").mkdir()
    (catalog / "other" / "index.md").write_text("untouched\n")
    (checkout / "_config.yml").write_text("keep: me\n")
    first = cli("docs", "--into", str(checkout))
    assert first.exit_code == 0
    assert first.stdout.splitlines() == [f"created {catalog / 'klaviyo' / 'index.md'}", f"created {catalog / 'listrak' / 'index.md'}",
                                         f"updated {catalog / 'yotpo' / 'index.md'}"]
    assert (catalog / "yotpo" / "index.md").read_text() == (ROOT / "build" / "yotpo" / "index.md").read_text()
    assert (catalog / "other" / "index.md").read_text() == "untouched\n" and (checkout / "_config.yml").read_text() == "keep: me\n"
    assert sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*") if p.is_file()) == [
        "_config.yml", *(f"src/connections/sources/catalog/cloud-apps/{s}/index.md" for s in ("klaviyo", "listrak", "other", "yotpo"))]
    assert cli("docs", "--into", str(checkout)).stdout.splitlines()[0].startswith("unchanged ")


def test_docs_refuses_a_folder_that_is_not_segment_docs(cli, tmp_path):
    result = cli("docs", "--into", str(tmp_path))
    assert result.exit_code == 2 and "is not a segment-docs checkout" in result.output
