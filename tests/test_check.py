"""`srcfn check`: passes on the committed tree, fails naming the file after any hand edit."""
from __future__ import annotations

import json


def test_check_passes_on_the_committed_tree(cli):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "check: 3 specs valid; build/ up to date; 31/31 fixtures pass"


def test_hand_edit_under_build_is_named_with_a_diff(cli, project):
    page = project / "build" / "yotpo" / "index.md"
    page.write_text(page.read_text().replace("| SMS Sent ", "| SMS Delivered "), encoding="utf-8")
    result = cli("check", "--no-fixtures", cwd=project)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("build/yotpo/index.md:")
    assert "stale: differs from a fresh generation of its spec; run `srcfn generate yotpo`" in lines[0]
    assert "--- build/yotpo/index.md (committed)" in result.stdout
    assert "-| SMS Delivered " in result.stdout and "+| SMS Sent " in result.stdout
    assert lines[-1] == "check: 3 specs valid; 1 stale or missing file"


def test_spec_edit_without_regenerating_names_every_stale_output(cli, project):
    spec = project / "specs" / "klaviyo" / "source.yaml"
    spec.write_text(spec.read_text().replace("Recipient marked message as spam", "Marked as spam"), encoding="utf-8")
    result = cli("check", "--no-fixtures", cwd=project)
    assert result.exit_code == 1
    named = sorted(line.split(":")[0] for line in result.stdout.splitlines() if ": stale:" in line)
    # a description is not code: the handler stays as it is (its header hashes its own code), the page does not
    assert named == ["build/klaviyo/index.md", "build/klaviyo/tracking-plan.json"]
    assert cli("generate", cwd=project).exit_code == 0
    assert cli("check", cwd=project).exit_code == 0


def test_missing_output_file(cli, project):
    (project / "build" / "listrak" / "settings.json").unlink()
    result = cli("check", cwd=project)
    assert result.exit_code == 1
    assert "build/listrak/settings.json:1: missing: not generated yet; run `srcfn generate listrak`" in result.stdout


def test_output_of_a_removed_spec_is_reported(cli, project):
    (project / "build" / "oldsource").mkdir()
    (project / "build" / "oldsource" / "handler.js").write_text("// old\n")
    (project / "build" / "not-ours").mkdir()
    (project / "build" / "not-ours" / "notes.txt").write_text("kept\n")
    result = cli("check", cwd=project)
    assert result.exit_code == 1
    assert "build/oldsource/handler.js:1: unexpected file in build/" in result.stdout
    assert "not-ours" not in result.stdout


def test_check_of_one_slug_ignores_the_others(cli, project):
    (project / "build" / "yotpo" / "handler.js").write_text("// edited\n")
    assert cli("check", "klaviyo", cwd=project).exit_code == 0
    assert cli("check", "yotpo", cwd=project).exit_code == 1


def test_github_annotations(cli, project):
    settings = project / "build" / "listrak" / "settings.json"
    data = json.loads(settings.read_text())
    data[0]["required"] = False
    settings.write_text(json.dumps(data, indent=2) + "\n")
    result = cli("check", "--format", "github", "--no-fixtures", cwd=project)
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations[-1] == ("::error file=build/listrak/settings.json,line=7::stale: differs from a fresh "
                               "generation of its spec; run `srcfn generate listrak`")
    assert "::warning file=specs/listrak/source.yaml,line=122,col=3::/properties/userId: property name 'userId' is not snake_case" in annotations


def test_strict_fails_on_warnings(cli):
    result = cli("check", "--strict")
    assert result.exit_code == 1
    assert result.stdout.strip().endswith("31/31 fixtures pass; 2 warnings (--strict)")
    assert cli("check", "--strict", "yotpo").exit_code == 0


def test_a_fixture_that_disagrees_with_the_spec_fails_check(cli, project):
    fixture = project / "specs" / "yotpo" / "fixtures" / "sms-sent.json"
    data = json.loads(fixture.read_text())
    data["expect"]["calls"][0]["event"] = "SMS Delivered"
    fixture.write_text(json.dumps(data, indent=2) + "\n")
    result = cli("check", cwd=project)
    assert result.exit_code == 1
    assert "specs/yotpo/fixtures/sms-sent.json:1: fixture fails: --- expected" in result.stdout
    assert '-      "event": "SMS Delivered",' in result.stdout
    assert '+      "event": "SMS Sent",' in result.stdout
    assert result.stdout.splitlines()[-1] == "check: 3 specs valid; build/ up to date; 30/31 fixtures pass"


def test_check_runs_fixtures_against_the_spec_not_a_stale_build(cli, project):
    (project / "build" / "klaviyo" / "handler.js").write_text("async function onRequest() {}\n")
    result = cli("check", "klaviyo", cwd=project)
    assert result.exit_code == 1
    assert "build/klaviyo/handler.js:1: stale" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("7/7 fixtures pass")


def test_check_files_checks_the_sources_the_files_belong_to(cli, project):
    (project / "specs" / "klaviyo" / "source.yaml").write_text("not: [a spec")  # a source the files do not name
    result = cli("check", "--files", "--no-fixtures", "README.md", "specs/yotpo/source.yaml",
                 "build/listrak/index.md", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "check: 2 specs valid; build/ up to date"
    none = cli("check", "--files", "README.md", "docs/page.md", cwd=project)
    assert none.exit_code == 0
    assert none.stdout == "check: no file of specs/<slug>/ or build/<slug>/ among the files; nothing to check\n"
