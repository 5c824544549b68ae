"""The `srcfn` command line. Each command gathers options and calls the module that does the work."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from generator.findings import WARNING, SpecError
from generator.metaschema import meta_schema_text

from . import __version__, exit_codes, report
from .check import find_stale
from .generate import generate as generate_files
from .scaffold import scaffold
from .workspace import load_workspace

specs_option = click.option("--specs", "specs_dir", type=click.Path(path_type=Path), default=Path("specs"),
                            show_default=True, help="Folder holding <slug>/source.yaml.")
build_option = click.option("--build", "build_dir", type=click.Path(path_type=Path), default=Path("build"),
                            show_default=True, help="Folder of generated output.")


def user_errors(command):
    """Turn located input errors into messages and exit 2; a bug exits 1 with a one-line report."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SpecError as exc:
            report.findings(exc.findings, "text")
            errors = report.count(exc.findings)
            click.echo(f"srcfn: {errors} error{'s' if errors != 1 else ''}; nothing was written.", err=True)
            sys.exit(exit_codes.USAGE)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # a bug: say so plainly, keep the traceback for SRCFN_DEBUG=1
            if os.environ.get("SRCFN_DEBUG"):
                raise
            click.echo(f"srcfn: internal error: {type(exc).__name__}: {exc} (set SRCFN_DEBUG=1 for the traceback)", err=True)
            sys.exit(exit_codes.FINDINGS)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="srcfn")
def main() -> None:
    """Declarative Segment Event Cloud Sources: spec → Source Function, catalog page, settings, tracking plan."""


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
    click.echo(f"generated {len(results)} source{'s' if len(results) != 1 else ''} into {build_dir}/: "
               f"{files} files, {written} written; {len(ws.warnings)} warning{'s' if len(ws.warnings) != 1 else ''}")


@main.command()
@click.argument("slugs", nargs=-1)
@specs_option
@build_option
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@user_errors
def check(slugs: tuple[str, ...], specs_dir: Path, build_dir: Path, fmt: str, strict: bool) -> None:
    """CI gate: specs valid and build/ identical to a fresh generation. Writes nothing.

    Exit 0 clean, 1 findings, 2 usage or input errors.
    """
    ws = load_workspace(specs_dir, build_dir, slugs)
    report.findings(ws.warnings, fmt)
    stale = find_stale(ws, all_specs=not slugs)
    report.stale(stale, fmt)
    failing_warnings = report.count(ws.warnings, WARNING) if strict else 0
    problems = len(stale) + failing_warnings
    summary = (f"check: {len(ws.loaded)} spec{'s' if len(ws.loaded) != 1 else ''} valid; "
               + (f"{len(stale)} stale or missing file{'s' if len(stale) != 1 else ''}" if stale else "build/ up to date")
               + (f"; {failing_warnings} warning{'s' if failing_warnings != 1 else ''} (--strict)" if failing_warnings else ""))
    click.echo(summary, err=fmt == "github")
    sys.exit(exit_codes.FINDINGS if problems else exit_codes.OK)


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of source specs."""
    click.echo(meta_schema_text(), nl=False)


@main.command()
@click.argument("slug")
@specs_option
@user_errors
def init(slug: str, specs_dir: Path) -> None:
    """Scaffold specs/SLUG/source.yaml and a fixture that generate and check accept as they are."""
    for path in scaffold(specs_dir, slug):
        click.echo(f"created {path}")
    click.echo(f"next: edit {specs_dir / slug / 'source.yaml'}, then run `srcfn generate {slug}`")
