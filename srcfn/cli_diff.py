"""`srcfn diff`: what a spec change does downstream, against a git revision or another specs folder."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import click

from .core.findings import Collector, NotFound
from .emulator.handler import Handler
from .emulator.runner import Options
from .generator.render import render_handler

from . import exit_codes, report
from .diff_report import FORMATS, Located, emit
from .options import now_option, specs_option, user_errors
from .replay_diff import replay_diff
from .settings_file import read_settings
from .spec_diff import BREAKING, diff_specs
from .spec_revisions import extract_revision, load_side
from .workspace import Workspace, load_workspace


@click.command()
@click.argument("slugs", nargs=-1)
@specs_option
@click.option("--base", metavar="GIT_REV", help="Compare with the specs folder as this git revision had it "
              "(default: HEAD).")
@click.option("--old", "old_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Compare with this specs folder instead of a git revision.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--allow-breaking", is_flag=True, help="Exit 0 even when a change is breaking.")
@click.option("--replay", "replay_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also run these captured webhooks (NDJSON) through the old and the new handler and count the "
                   "calls that change (one SLUG).")
@click.option("--settings", "settings_file", type=click.Path(path_type=Path, dir_okay=False),
              help="With --replay: settings for both handlers (a JSON object).")
@now_option
@user_errors
def diff(slugs, specs_dir, base, old_dir, fmt, allow_breaking, replay_file, settings_file, now) -> None:
    """Compare the specs with another version: events, properties, traits, identity rules, call kinds, settings
    and page text, each change classed breaking, compatible or docs.

    Exit 0 when nothing is breaking (or --allow-breaking), 1 when something is, 2 on bad usage or input.
    """
    if base and old_dir:
        raise click.UsageError("give --base GIT_REV or --old DIR, not both")
    with tempfile.TemporaryDirectory(prefix="srcfn-diff-") as tmp:
        if old_dir is not None:
            if not old_dir.is_dir():
                raise NotFound(f"{old_dir}: no such folder (--old)")
            against, folder, shown = str(old_dir), old_dir, str(old_dir)
        else:
            against = base or "HEAD"
            folder, shown = extract_revision(specs_dir, against, Path(tmp)), f"{against}:{specs_dir.as_posix()}"
        old = load_side(folder, against, shown, slugs)
        new = _new_side(specs_dir, slugs, old.specs)
        report.findings(old.warnings, "github" if fmt == "github" else "text")
        changes = _located(old.specs, {ld.spec.source.slug: ld for ld in new.loaded}, specs_dir, shown)
        behaviour = None
        if replay_file is not None:
            behaviour = _behaviour(old.specs, new.loaded, slugs, replay_file, settings_file, now)
    emit(changes, against, fmt, allow_breaking, behaviour, str(replay_file) if replay_file else None)
    breaking = any(c.change.cls == BREAKING for c in changes)
    sys.exit(exit_codes.FINDINGS if breaking and not allow_breaking else exit_codes.OK)


def _new_side(specs_dir: Path, slugs: tuple[str, ...], old: dict) -> Workspace:
    missing = [s for s in slugs if not (specs_dir / s).is_dir() and s not in old]
    if missing:
        raise NotFound(f"no spec for {missing[0]!r} in {specs_dir}/ or in the version compared with")
    present = tuple(s for s in slugs if (specs_dir / s).is_dir())
    if slugs and not present:  # every named source was removed
        return Workspace(specs_dir, Path("build"))
    return load_workspace(specs_dir, Path("build"), present)


def _located(old: dict, new: dict, specs_dir: Path, shown: str) -> list[Located]:
    out = []
    for slug in sorted(old.keys() | new.keys()):
        before, after = old.get(slug), new.get(slug)
        here = after or before
        file = f"{specs_dir.as_posix()}/{slug}/{Path(here.spec.path).name}" if after else \
            f"{shown}/{slug}/{Path(here.spec.path).name}"
        where = Collector(file, here.positions)
        for change in diff_specs(before and before.spec, after and after.spec):
            out.append(Located(slug, file, where.locate(change.pointer)[0], change))
    return out


def _behaviour(old: dict, new_loaded: list, slugs: tuple[str, ...], path: Path, settings_file, now):
    new = {ld.spec.source.slug: ld for ld in new_loaded}
    both = sorted(old.keys() & new.keys())
    chosen = [s for s in both if s in slugs] if slugs else both
    if len(chosen) != 1:
        raise click.UsageError("--replay compares one source: name one SLUG that both versions have"
                               + (f" (both have: {', '.join(both)})" if both else ""))
    if not path.is_file():
        raise NotFound(f"{path}: no such file (--replay)")
    slug = chosen[0]
    options = Options(settings=read_settings(settings_file) if settings_file else {}, now=now or time.time(),
                      sensitive=tuple(s.name for s in new[slug].spec.settings if s.sensitive))
    return replay_diff(Handler(render_handler(old[slug].spec), f"{slug}/handler.js (old)"),
                       Handler(render_handler(new[slug].spec), f"{slug}/handler.js (new)"), path, options)
