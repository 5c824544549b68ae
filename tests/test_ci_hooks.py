"""CI integration: the GitHub Action's script (action/run.sh) and the pre-commit hooks (.pre-commit-hooks.yaml),
each run against a temporary git repository, with no network."""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_diff import BASE, commit, edit, event, git, write

BIN = str(Path(sys.executable).parent)  # where the srcfn command of this environment is


def env(**extra: str) -> dict:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("SRCFN_", "GITHUB_"))}
    return {**out, "PATH": BIN + os.pathsep + out["PATH"], **extra}


def generate(repo: Path) -> None:
    subprocess.run(["srcfn", "generate"], cwd=repo, env=env(), check=True, capture_output=True)


@pytest.fixture
def pr(tmp_path: Path):
    """A repository whose main has the spec and its build, and a pull-request commit on top; returns
    (repo, base sha)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, BASE)
    generate(repo)
    commit(repo, "base")
    return repo, git(repo, "rev-parse", "HEAD").strip()


def action(repo: Path, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "action" / "run.sh")], cwd=repo, env=env(**variables),
                          capture_output=True, text=True, timeout=300)


def test_action_fails_a_pull_request_with_a_breaking_change(pr, tmp_path):
    repo, base = pr
    write(repo, edit(lambda s: event(s, "Order Placed")["properties"].remove("currency")))
    generate(repo)
    commit(repo, "drop currency")
    summary = tmp_path / "summary.md"
    done = action(repo, SRCFN_BASE=base, GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 1
    errors = [ln for ln in done.stdout.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1  # check passes (its warnings are ::warning); the diff's breaking change is the error
    assert errors[0].startswith("::error file=specs/acme/source.yaml,line=")
    assert errors[0].endswith(',title=srcfn diff: breaking::property "currency" of track "Order Placed": no longer '
                              "sent: warehouse columns stop filling, destinations mapping it get nothing")
    assert "check: 1 spec valid; build/ up to date; 0/0 fixtures pass" in done.stderr
    assert summary.read_text().startswith(f"### srcfn diff against `{base}`\n\n**1 breaking**.\n")

    allowed = action(repo, SRCFN_BASE=base, SRCFN_ALLOW_BREAKING="true")
    assert allowed.returncode == 0
    assert "::warning file=specs/acme/source.yaml" in allowed.stdout


def test_action_reports_a_stale_build_and_a_compatible_change_passes(pr):
    repo, base = pr
    write(repo, edit(lambda s: event(s, "Order Refunded")["properties"].append("currency")))
    commit(repo, "add currency, forget to regenerate")
    stale = action(repo, SRCFN_BASE=base)
    assert stale.returncode == 1
    assert "::error file=build/acme/handler.js,line=2::stale: differs from a fresh generation of its spec; run " \
           "`srcfn generate acme`" in stale.stdout
    assert '::notice file=specs/acme/source.yaml' in stale.stdout
    generate(repo)
    commit(repo, "regenerate")
    clean = action(repo, SRCFN_BASE=base)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "compatible: 1" not in clean.stdout and "diff against" in clean.stderr


def test_action_without_a_base_only_checks(pr):
    repo, _ = pr
    done = action(repo)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == ("srcfn: no base revision (not a pull request, and no 'base' input): "
                                            "diff skipped")


def test_action_base_that_cannot_be_fetched(pr):
    repo, _ = pr
    done = action(repo, SRCFN_BASE="0" * 40)
    assert done.returncode == 2
    assert done.stdout.splitlines()[-1] == (f"::error title=srcfn diff::cannot fetch the base revision {'0' * 40} "
                                            "from origin (checkout with fetch-depth: 0)")


def test_action_yml_runs_the_script_with_every_input():
    spec = yaml.safe_load((ROOT / "action.yml").read_text())
    assert spec["runs"]["using"] == "composite"
    step = spec["runs"]["steps"][-1]
    assert step["run"] == 'bash "${{ github.action_path }}/action/run.sh"'
    script = (ROOT / "action" / "run.sh").read_text()
    for name, value in step["env"].items():
        assert name in script, name
        assert "inputs." in value
    used = {value.split("inputs.")[1].split()[0].rstrip("}") for value in step["env"].values()}
    assert used | {"python-version"} == set(spec["inputs"])


# pre-commit runs the hooks as .pre-commit-hooks.yaml declares them; `language: system` instead of `python`
# so that pre-commit uses this environment's srcfn rather than installing one (which needs the network).
def hooks_config() -> str:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    local = [{**copy.deepcopy(h), "language": "system"} for h in hooks]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, sort_keys=False)


def pre_commit(repo: Path, *hooks: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", *hooks], cwd=repo, capture_output=True,
                          text=True, env=env(PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home")), timeout=300)


@pytest.fixture
def hooked(pr):
    repo, _ = pr
    (repo / ".pre-commit-config.yaml").write_text(hooks_config())
    commit(repo, "hooks")
    return repo


def test_check_hook_refuses_a_spec_staged_without_its_build(hooked):
    write(hooked, edit(lambda s: event(s, "Order Refunded").update(description="Money went back.")))
    git(hooked, "add", "-A")
    done = pre_commit(hooked, "srcfn-check")
    assert done.returncode == 1
    assert "build/acme/index.md:" in done.stdout and "stale" in done.stdout
    generate(hooked)
    git(hooked, "add", "-A")
    again = pre_commit(hooked, "srcfn-check")
    assert again.returncode == 0, again.stdout
    assert "srcfn check" in again.stdout and "Passed" in again.stdout


def test_check_hook_skips_commits_without_specs(hooked):
    (hooked / "README").write_text("notes\n")
    git(hooked, "add", "-A")
    done = pre_commit(hooked, "srcfn-check")
    assert done.returncode == 0
    assert "(no files to check)Skipped" in done.stdout


def test_diff_hook_refuses_a_breaking_change(hooked):
    write(hooked, edit(lambda s: event(s, "Order Refunded").update(name="Refund Issued")))
    generate(hooked)
    git(hooked, "add", "-A")
    done = pre_commit(hooked, "srcfn-diff")
    assert done.returncode == 1
    assert 'breaking: track "Order Refunded": renamed to track "Refund Issued"' in done.stdout


def test_lint_hook_checks_staged_pages(hooked):
    page = hooked / "docs" / "acme" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text((ROOT / "build" / "yotpo" / "index.md").read_text().replace(
        "## Getting started", "## Getting Started With Yotpo", 1))
    git(hooked, "add", "-A")
    done = pre_commit(hooked, "srcfn-lint")
    assert done.returncode == 1
    assert "docs/acme/index.md:14:1: heading-case heading 'Getting Started With Yotpo' is not in sentence case: " \
           "write 'Getting started with Yotpo'" in done.stdout
    page.write_text((ROOT / "build" / "yotpo" / "index.md").read_text())
    git(hooked, "add", "-A")
    assert pre_commit(hooked, "srcfn-lint").returncode == 0
