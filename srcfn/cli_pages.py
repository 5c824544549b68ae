"""Doc-authoring commands: `import` a catalog page into a spec, `lint` pages, write pages into segment-docs (`docs`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .core.findings import Finding, InputError
from .generator.pages.importer import import_page
from .generator.pages.lint import RULES, lint_page
from .generator.pages.parse import Page, parse_page
from .generator.pages.writer import write_spec
from .generator.render import render_page

from . import exit_codes, report
from .generate import write_if_changed
from .options import build_option, specs_option, user_errors
from .workspace import load_workspace

CATALOG = Path("src/connections/sources/catalog/cloud-apps")


def read_page(path: Path) -> Page:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Finding(str(path), 1, 1, "", f"cannot read the page: {exc}")]) from None
    return parse_page(text, str(path))


@click.command(name="import")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("specs"),
              show_default=True, help="Folder that receives <slug>/source.yaml and <slug>/fixtures/.")
@user_errors
def import_pages(pages: tuple[Path, ...], out_dir: Path) -> None:
    """Turn catalog pages into specs; what a page cannot say is a TODO, reported with its page line."""
    errors: list[Finding] = []
    for path in pages:
        try:
            page = read_page(path)
            if page.front_error:
                raise InputError([Finding(str(path), 1, 1, "", page.front_error)])
            imported = import_page(page, path.parent.name if path.name == "index.md" else path.stem)
            target = write_spec(imported, str(path), out_dir)
        except InputError as exc:
            errors += exc.findings
            continue
        report.findings(imported.todos, "text")
        click.echo(f"wrote {target} ({len(imported.todos)} TODO{'s' if len(imported.todos) != 1 else ''})")
    if errors:
        raise InputError(errors)


@click.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(report.FORMATS), default="text", show_default=True)
@click.option("--disable", multiple=True, metavar="RULE", help="Skip a rule (repeatable); the README lists the rules.")
@user_errors
def lint(pages: tuple[Path, ...], fmt: str, disable: tuple[str, ...]) -> None:
    """Check catalog pages against the partner template and Segment's style rules. Exit 1 on findings."""
    unknown = sorted(set(disable) - set(RULES))
    if unknown:
        raise click.UsageError(f"unknown rule {unknown[0]!r}; rules: {', '.join(RULES)}")
    count = 0
    for path in pages:
        for finding in lint_page(read_page(path), frozenset(disable)):
            click.echo(finding.github() if fmt == "github" else finding.format())
            count += 1
    click.echo(f"lint: {len(pages)} page{'s' if len(pages) != 1 else ''}, {count} finding{'s' if count != 1 else ''}",
               err=True)
    sys.exit(exit_codes.FINDINGS if count else exit_codes.OK)


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--into", "checkout", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="A segment-docs checkout.")
@specs_option
@build_option
@user_errors
def docs(slugs: tuple[str, ...], checkout: Path, specs_dir: Path, build_dir: Path) -> None:
    """Write each spec's catalog page into a segment-docs checkout, touching nothing else."""
    catalog = checkout / CATALOG
    if not catalog.is_dir():
        raise click.UsageError(f"{checkout} is not a segment-docs checkout (no {CATALOG})")
    ws = load_workspace(specs_dir, build_dir, slugs)
    for loaded in ws.loaded:
        target = catalog / loaded.spec.source.slug / "index.md"
        existed = target.exists()
        target.parent.mkdir(exist_ok=True)
        changed = write_if_changed(target, render_page(loaded.spec).encode("utf-8"))
        click.echo(f"{'unchanged' if not changed else 'updated' if existed else 'created'} {target}")
