"""`srcfn lint`: each rule with a page that breaks it and one that does not; the seed pages; `srcfn docs`."""
from __future__ import annotations

import re
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
    "property-case": ("| `email_id`    | ID of the email |", "| `email_id`    | ID of the email |\n| `campaignId` | ID |",
                      "| `email_id`    | ID of the email |\n| `campaign_id` | ID |"),
    "events-table": ("| Email Opened | The recipient opened the `email_id` email |", "", "| Email Opened | Opened |"),
    "missing-property": ("the `email_id` email", "the `campaign_id` email", "the `email_id` email"),
    "html-table": ("## Adding Destinations", "<table><tr><td>a</td></tr></table>\n\n## Adding Destinations", "## Adding Destinations"),
    "lint-directive": ("## Adding Destinations", "<!-- srcfn-lint disable-next-line latin -->\n## Adding Destinations",
                       "<!-- srcfn-lint disable-next-line latin -- the partner's wording -->\nSee e.g. this.\n\n"
                       "## Adding Destinations"),
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
    assert result.stdout == f"{page}:6:{column}: first-person first person 'our': write in the third person, naming " \
                            "who acts (Acme, Segment, or you for the reader)\n"


@pytest.mark.parametrize("rule", sorted(CASES))
def test_every_finding_says_what_to_write_instead(rule):
    where, bad, _ = CASES[rule]
    messages = [f.message for f in lint_page(parse_page(CLEAN.replace(where, bad, 1), "page.md")) if f.rule == rule]
    assert messages and all(re.search(r"\b(write|add|move|remove|delete)\b", m) for m in messages), messages


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


# Each rule in context: (rule, page text replacing `where` in CLEAN, whether the rule fires).
EVENTS_ROW = "| Email Opened | The recipient opened the `email_id` email |"
CONTEXTS = {
    "heading that is an event name": ("heading-case", "## Adding Destinations", "### Email Opened\n\nText.\n\n## Adding Destinations", False),
    "heading naming an event then more": ("heading-case", "## Adding Destinations",
                                          "### Email Opened (Beta) Events\n\nText.\n\n## Adding Destinations", True),
    "heading with the partner's name": ("heading-case", "## Adding Destinations",
                                        "## Sending data to Acme\n\nText.\n\n## Adding Destinations", False),
    "heading with a product name": ("heading-case", "sends engagement events",
                                    "sends [Acme Journeys](https://acme.example.com/j) events", False),
    "heading with a template title": ("heading-case", "## Adding Destinations",
                                      "## Acme Event Properties\n\nText.\n\n## Adding Destinations", False),
    "heading with a brand in capitals": ("heading-case", "## Adding Destinations",
                                         "## Send data to AcmeHQ and the NPS tool\n\nText.\n\n## Adding Destinations", False),
    "heading after a colon": ("heading-case", "## Adding Destinations",
                              "## Step 1: Authenticate the app\n\nText.\n\n## Adding Destinations", False),
    "heading in title case": ("heading-case", "## Adding Destinations",
                              "## Send Data to Acme\n\nText.\n\n## Adding Destinations", True),
    "event name that is an identifier": ("event-case", EVENTS_ROW, "| call.created | A call |", False),
    "event name in snake_case": ("event-case", EVENTS_ROW, "| email_opened | Opened |", False),
    "event name with a brand": ("event-case", EVENTS_ROW, "| iOS Push Opened | Opened |", False),
    "event name with a placeholder": ("event-case", EVENTS_ROW, "| Custom Event: {event type} | Any |", False),
    "event name as lowercase prose": ("event-case", EVENTS_ROW, "| email opened | Opened |", True),
    "object collection": ("event-case", "| Event Name   | Description                        |\n| ------------ | ---------------------------------- |\n" + EVENTS_ROW,
                          "| Collection | Type | Description |\n| --- | --- | --- |\n| Email Opened | Event | Opened `email_id` |\n"
                          "| form submissions | Object | Forms |", False),
    "camelCase properties table": ("property-case", "| `email_id`    | ID of the email |",
                                   "| `emailId` | ID |\n| `campaignId` | ID |", False),
    "snake_case table with Segment's fields": ("property-case", "| `email_id`    | ID of the email |",
                                               "| `email_id` | ID |\n| `userId` | ID |\n| `anonymousId` | ID |", False),
    "table mixing conventions": ("property-case", "| `email_id`    | ID of the email |",
                                 "| `email_id` | ID |\n| `list_id` | ID |\n| `campaignId` | ID |", True),
    "words in a name cell": ("substitutions", EVENTS_ROW, "| User Login | Logged in `email_id` |", False),
    "words in a description cell": ("substitutions", EVENTS_ROW, "| User Signed In | Login `email_id` |", True),
}


@pytest.mark.parametrize("case", sorted(CONTEXTS))
def test_rules_know_their_context(case):
    rule, where, text, fires = CONTEXTS[case]
    assert where in CLEAN
    assert (rule in rules_hit(CLEAN.replace(where, text, 1))) is fires


def test_the_messages_of_naming_rules_say_what_to_write():
    page = CLEAN.replace("## Adding Destinations", "## Send Data To Acme\n\nText.\n\n## Adding Destinations").replace(
        EVENTS_ROW, "| email opened | Opened |").replace(
        "| `email_id`    | ID of the email |", "| `email_id` | ID |\n| `list_id` | ID |\n| `campaignId` | ID |")
    assert [(f.line, f.rule, f.message) for f in lint_page(parse_page(page, "page.md"))
            if f.rule in ("heading-case", "event-case", "property-case")] == [
        (22, "event-case", "event 'email opened' is not in Proper Case: write 'Email Opened'"),
        (30, "property-case", "property 'campaignId' is camelCase in a table of snake_case names (1 such: campaignId): "
                              "write 'campaign_id' if that is the key the source sends, else mark the exception with "
                              "a disable comment"),
        (32, "heading-case", "heading 'Send Data To Acme' is not in sentence case: write 'Send data to Acme'")]


def test_a_comment_silences_a_finding_with_its_reason():
    noisy = CLEAN.replace("sends engagement events", "sends engagement events, e.g. opens")
    assert rules_hit(noisy) == {"latin"}
    line = "<!-- srcfn-lint disable-next-line latin -- Acme's product copy, agreed with Segment -->\n"
    assert lint_page(parse_page(noisy.replace("[Acme](", line + "[Acme](", 1), "page.md")) == []
    page_wide = noisy.replace("## Getting started", "<!-- srcfn-lint disable latin, first-person -- quoted copy -->\n\n"
                                                    "## Getting started")
    assert [(f.rule, f.message) for f in lint_page(parse_page(page_wide.replace("sends engagement", "sends our engagement"),
                                                               "page.md"))] == []


def test_a_comment_without_reason_or_purpose_is_itself_a_finding():
    noisy = CLEAN.replace("sends engagement events", "sends engagement events, e.g. opens")
    findings = lambda text: [(f.line, f.rule, f.message) for f in lint_page(parse_page(text, "page.md"))]  # noqa: E731
    assert findings(noisy.replace("[Acme](", "<!-- srcfn-lint disable-next-line latin -->\n[Acme](", 1)) == [
        (6, "lint-directive", "a disable comment names the rules it silences and why: write <!-- srcfn-lint "
                              "disable-next-line latin -- why the page keeps it -->"),
        (7, "latin", "Latin abbreviation 'e.g.': write 'for example'")]
    assert findings(CLEAN.replace("## Stream", "<!-- srcfn-lint disable no-such-rule -- why -->\n\n## Stream")) == [
        (14, "lint-directive", "unknown rule 'no-such-rule' in a disable comment; rules: " + ", ".join(
            sorted(set(RULES) - {"lint-directive"})))]
    assert findings(CLEAN.replace("## Stream", "<!-- srcfn-lint disable-next-line latin -- why -->\n## Stream")) == [
        (14, "lint-directive", "this comment silences latin but no such finding is on line 15: remove the comment")]


CATALOG = ROOT / "tests" / "catalog-pages"


def test_the_live_pages_give_exactly_the_expected_findings(cli):
    """Each expected finding was checked by hand against its page: a real style problem, not noise. A rule that
    starts flagging names, brands or the template's own words fails here."""
    pages = sorted(str(p.relative_to(ROOT)) for p in CATALOG.glob("*.md") if p.name != "README.md")
    result = cli("lint", *pages)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == (CATALOG / "expected-lint.txt").read_text(encoding="utf-8").splitlines()


def test_the_readme_documents_every_rule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z-]+)` \| ", readme.split("**Lint rules**", 1)[1], re.M)
    assert set(RULES) <= set(documented)


def test_a_comment_for_a_rule_turned_off_is_not_reported_unused():
    page = CLEAN.replace("sends engagement events", "sends engagement events, e.g. opens").replace(
        "[Acme](", "<!-- srcfn-lint disable-next-line latin -- Acme's copy -->\n[Acme](", 1)
    assert lint_page(parse_page(page, "page.md"), frozenset({"latin"})) == []
