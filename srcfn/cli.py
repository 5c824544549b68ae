"""The `srcfn` command line. Each command gathers options and calls the module that does the work; the
commands that run handlers live in cli_run.py, `deploy` in cli_deploy.py."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .emulator.runner import Options
from .core.findings import WARNING
from .generator.metaschema import meta_schema_text

from . import __version__, exit_codes, report
from .check import find_stale, lint_rendered, render_workspace, slugs_of_files
from .cli_deploy import deploy_command
from .cli_diff import diff
from .cli_pages import docs, import_pages, lint
from .cli_run import emulate, replay, replay_merge, serve, test_fixtures
from .fixture_runs import run_rendered
from .generate import generate as generate_files
from .options import build_option, now_option, specs_option, user_errors
from .scaffold import copy_example, scaffold, shipped_examples
from .workspace import load_workspace


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="srcfn")
def main() -> None:
    """Declarative Segment Event Cloud Sources: spec → Source Function, catalog page, settings, tracking plan."""
    # A handler's text may hold lone surrogates (a cut emoji): print them as \uXXXX escapes, which JSON output
    # reads back as the same text, rather than fail on them.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


@main.command()
@click.argument("slugs", nargs=-1)
@specs_option
@build_option
@user_errors
def generate(slugs: tuple[str, ...], specs_dir: Path, build_dir: Path) -> None:
    """Write build/<slug>/ (index.md, handler.js, settings.json, tracking-plan.json) for each spec."""
    ws = load_workspace(specs_dir, build_dir, slugs)
    report.findings(ws.warnings, "text")
    results = generate_files(ws)
    for r in results:
        state = f"{len(r.written)} written, {len(r.unchanged)} unchanged" if r.written else "unchanged"
        click.echo(f"{r.slug:<20} {build_dir / r.slug}/  {state}")
    written = sum(len(r.written) for r in results)
    files = written + sum(len(r.unchanged) for r in results)
    click.echo(f"generated {report.plural(len(results), 'source')} into {build_dir}/: "
               f"{files} files, {written} written; {report.plural(len(ws.warnings), 'warning')}")


@main.command()
@click.argument("slugs", nargs=-1)
@specs_option
@build_option
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-fixtures", is_flag=True, help="Skip running the fixtures.")
@click.option("--files", "as_files", is_flag=True,
              help="The arguments are files (as a pre-commit hook passes them): check the sources they belong to.")
@now_option
@user_errors
def check(slugs: tuple[str, ...], specs_dir: Path, build_dir: Path, fmt: str, strict: bool, no_fixtures: bool,
          as_files: bool, now: float | None) -> None:
    """CI gate: specs valid, build/ identical to a fresh generation, generated pages lint clean, every fixture
    passing. Writes nothing.

    Exit 0 clean, 1 findings, 2 usage or input errors.
    """
    if as_files:
        slugs = slugs_of_files(slugs, specs_dir, build_dir)
        if not slugs:
            click.echo(f"check: no file of {specs_dir}/<slug>/ or {build_dir}/<slug>/ among the files; nothing to check")
            return
    ws = load_workspace(specs_dir, build_dir, slugs)
    report.findings(ws.warnings, fmt)
    rendered = render_workspace(ws)
    stale = find_stale(ws, rendered, all_specs=not slugs)
    report.stale(stale, fmt)
    lint_findings = lint_rendered(rendered, build_dir)
    for finding in lint_findings:
        click.echo(finding.github() if fmt == "github" else finding.format())
    runs = [] if no_fixtures else [run for loaded in ws.loaded
                                   for run in run_rendered(loaded.spec, rendered[loaded.spec.source.slug],
                                                           specs_dir / loaded.spec.source.slug / "fixtures",
                                                           Options(now=now))]
    failed = [r for r in runs if not r.result.ok]
    report.fixture_failures(failed, fmt)
    failing_warnings = report.count(ws.warnings, WARNING) if strict else 0
    parts = [f"check: {report.plural(len(ws.loaded), 'spec')} valid",
             f"{len(stale)} stale or missing {'file' if len(stale) == 1 else 'files'}" if stale else "build/ up to date"]
    if not no_fixtures:
        parts.append(f"{len(runs) - len(failed)}/{len(runs)} fixtures pass")
    if lint_findings:
        parts.append(f"{report.plural(len(lint_findings), 'lint finding')} in generated pages")
    if failing_warnings:
        parts.append(f"{report.plural(failing_warnings, 'warning')} (--strict)")
    click.echo("; ".join(parts), err=fmt == "github")
    sys.exit(exit_codes.FINDINGS if stale or failed or failing_warnings or lint_findings else exit_codes.OK)


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of source specs."""
    click.echo(meta_schema_text(), nl=False)


@main.command()
@click.argument("slug", required=False)
@specs_option
@click.option("--from", "example", metavar="EXAMPLE",
              help="Copy a shipped example (seeds/yotpo, producers/shopify-orders, ...; see --list) instead.")
@click.option("--list", "list_examples", is_flag=True, help="List the shipped examples and exit.")
@user_errors
def init(slug: str | None, specs_dir: Path, example: str | None, list_examples: bool) -> None:
    """Scaffold specs/SLUG/source.yaml and a fixture that generate and check accept as they are, or copy a
    shipped example with --from (SLUG defaults to the example's)."""
    if list_examples:
        for name in shipped_examples():
            click.echo(name)
        return
    if example is None and slug is None:
        raise click.UsageError("give a SLUG, or --from EXAMPLE (see --list)")
    created = copy_example(specs_dir, slug, example) if example else scaffold(specs_dir, slug)
    for path in created:
        click.echo(f"created {path}")
    slug = created[0].relative_to(specs_dir).parts[0]
    click.echo(f"next: edit {specs_dir / slug / 'source.yaml'}, then run `srcfn generate {slug}`")


for command in (emulate, test_fixtures, replay, replay_merge, serve, deploy_command, diff, import_pages, lint, docs):
    main.add_command(command)
