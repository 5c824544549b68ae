"""The `srcfn` command line. Each command gathers options and calls the module that does the work."""
from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import click

from emulator.errors import EmulatorError
from emulator.expectations import update as update_expectation
from emulator.forwarder import Forwarder
from emulator.server import Dispatcher, Recorder, make_server
from emulator.runner import ISOLATION_MODES, Emulator, Options
from generator.findings import WARNING, SpecError
from generator.metaschema import meta_schema_text

from . import __version__, exit_codes, report, show
from .check import find_stale, render_workspace
from .deploy import DeployFailed, Local, NotFound, deploy
from .segment_api import PublicAPI, PublicAPIError
from .serve import FileSource, ForwardQueue, SpecSource, is_spec, on_reload, on_result
from .fixture_runs import run_fixtures, run_rendered
from .generate import generate as generate_files
from .replay import replay as replay_payloads
from .scaffold import scaffold
from .settings_file import read_settings
from .targets import fixture_paths, load_fixtures, resolve
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
        except EmulatorError as exc:
            click.echo(f"srcfn: {exc}", err=True)
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
@click.option("--no-fixtures", is_flag=True, help="Skip running the fixtures.")
@user_errors
def check(slugs: tuple[str, ...], specs_dir: Path, build_dir: Path, fmt: str, strict: bool, no_fixtures: bool) -> None:
    """CI gate: specs valid, build/ identical to a fresh generation, every fixture passing. Writes nothing.

    Exit 0 clean, 1 findings, 2 usage or input errors.
    """
    ws = load_workspace(specs_dir, build_dir, slugs)
    report.findings(ws.warnings, fmt)
    rendered = render_workspace(ws)
    stale = find_stale(ws, rendered, all_specs=not slugs)
    report.stale(stale, fmt)
    runs = [] if no_fixtures else [run for slug, outputs in rendered.items()
                                   for run in run_rendered(slug, outputs, specs_dir / slug / "fixtures", Options())]
    failed = [r for r in runs if not r.result.ok]
    report.fixture_failures(failed, fmt)
    failing_warnings = report.count(ws.warnings, WARNING) if strict else 0
    parts = [f"check: {len(ws.loaded)} spec{'s' if len(ws.loaded) != 1 else ''} valid",
             f"{len(stale)} stale or missing file{'s' if len(stale) != 1 else ''}" if stale else "build/ up to date"]
    if not no_fixtures:
        parts.append(f"{len(runs) - len(failed)}/{len(runs)} fixtures pass")
    if failing_warnings:
        parts.append(f"{failing_warnings} warning{'s' if failing_warnings != 1 else ''} (--strict)")
    click.echo("; ".join(parts), err=fmt == "github")
    sys.exit(exit_codes.FINDINGS if stale or failed or failing_warnings else exit_codes.OK)


def emulator_options(f):
    """The options every command that runs handlers shares."""
    for option in reversed([
        click.option("--settings", "settings_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="JSON object of settings; each fixture's own settings override it."),
        click.option("--deployed", is_flag=True, help="Sort body keys as deployed functions receive them."),
        click.option("--timeout", type=click.FloatRange(min=0.05), default=5.0, show_default=True, help="Seconds per invocation."),
        click.option("--isolation", type=click.Choice(ISOLATION_MODES), default="scope", show_default=True),
        click.option("--warm", is_flag=True, help="Same as --isolation warm: module state persists across invocations."),
        click.option("--fetch", "fetch_mode", type=click.Choice(("stub", "network")), default="stub", show_default=True,
                     help="stub: only the fixture's http stubs answer; network: unstubbed calls go out."),
        click.option("--node", help="A node binary (>= 18) instead of the packaged one (or set SRCFN_NODE)."),
    ]):
        f = option(f)
    return f


def build_options(settings_file, deployed, timeout, isolation, warm, fetch_mode, node, sensitive=()) -> Options:
    return Options(timeout=timeout, isolation="warm" if warm else isolation, deployed=deployed,
                   fetch=fetch_mode, node=node,
                   settings=read_settings(settings_file) if settings_file else {}, sensitive=tuple(sensitive))


@main.command()
@click.argument("target")
@click.argument("fixtures", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@specs_option
@build_option
@emulator_options
@click.option("--tracking-plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Check calls against this tracking plan (default: the handler folder's tracking-plan.json).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per invocation.")
@user_errors
def emulate(target, fixtures, specs_dir, build_dir, plan_file, as_json, **emu) -> None:
    """Run a Source Function (a handler file or a built slug) on fixtures and print each invocation.

    Exit 0 when every invocation meets its expectation, 1 otherwise, 2 on bad input.
    """
    tgt = resolve(target, specs_dir, build_dir, plan_file)
    loaded = load_fixtures(fixture_paths(tgt, fixtures))
    failures = 0
    with Emulator(tgt.handler, build_options(**emu, sensitive=tgt.sensitive()), plan=tgt.tracking_plan()) as runner:
        for fixture, result in zip(loaded, runner.run(loaded)):
            failures += not result.ok
            show.print_json(result) if as_json else show.print_result(result, fixture.ident)
    sys.exit(exit_codes.FINDINGS if failures else exit_codes.OK)


@main.command(name="test")
@click.argument("slugs", nargs=-1)
@specs_option
@build_option
@click.option("--update", is_flag=True, help="Rewrite each failing fixture's expectation from the actual result.")
@click.option("-v", "--verbose", is_flag=True, help="Show every invocation, not only failures.")
@user_errors
def test_fixtures(slugs, specs_dir, build_dir, update, verbose) -> None:
    """Run every spec's fixtures against its built handler (build/<slug>/handler.js)."""
    ws = load_workspace(specs_dir, build_dir, slugs)
    total = failed = updated = 0
    for loaded in ws.loaded:
        slug = loaded.spec.source.slug
        tgt = resolve(slug, specs_dir, build_dir)
        runs = run_fixtures(slug, tgt.handler, specs_dir / slug / "fixtures", Options(sensitive=tgt.sensitive()),
                            tgt.tracking_plan())
        for run in runs:
            if update and run.result.mismatch and update_expectation(run.fixture, run.result):
                updated += 1
                click.echo(f"UPDATED {run.fixture.ident}")
                continue
            if verbose or not run.result.ok:
                show.print_result(run.result, run.fixture.ident, verbose)
        bad = sum(not r.result.ok for r in runs) - (updated if update else 0)
        total, failed = total + len(runs), failed + max(bad, 0)
        click.echo(f"{slug}: {len(runs)} fixtures, {len(runs) - max(bad, 0)} passed")
    click.echo(f"{total - failed} passed, {failed} failed" + (f" ({updated} expectations updated)" if update else ""))
    sys.exit(exit_codes.FINDINGS if failed else exit_codes.OK)


@main.command()
@click.argument("target")
@click.argument("payloads", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@specs_option
@build_option
@emulator_options
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True)
@click.option("--tracking-plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False))
@user_errors
def replay(target, payloads, specs_dir, build_dir, workers, plan_file, **emu) -> None:
    """Stream an NDJSON file (each line a fixture or a bare webhook body) through the handler and summarise."""
    tgt = resolve(target, specs_dir, build_dir, plan_file)
    with payloads.open("rb") as f:
        lines = sum(1 for line in f if line.strip())
    started = time.monotonic()
    with click.progressbar(length=lines, label="replaying", file=sys.stderr) as bar:
        summary = replay_payloads(tgt.handler, payloads, build_options(**emu, sensitive=tgt.sensitive()),
                                  tgt.tracking_plan(), workers, bar.update)
    elapsed = time.monotonic() - started
    report.replay_summary(summary, elapsed, workers)
    sys.exit(exit_codes.FINDINGS if summary.errors or summary.violations or summary.bad_lines else exit_codes.OK)


@main.command()
@click.argument("target")
@specs_option
@build_option
@emulator_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True, help="0 picks a free port.")
@click.option("--forward", is_flag=True, help="Send emitted calls to Segment's Tracking API.")
@click.option("--write-key", envvar="SEGMENT_WRITE_KEY", help="Source write key for --forward (or SEGMENT_WRITE_KEY).")
@click.option("--region", type=click.Choice(("us", "eu")), default="us", show_default=True)
@user_errors
def serve(target, specs_dir, build_dir, host, port, forward, write_key, region, **emu) -> None:
    """Serve HANDLER_OR_SLUG as a local webhook URL; edits to the handler or spec apply without a restart."""
    if forward and not write_key:
        raise click.UsageError("--forward needs --write-key (or SEGMENT_WRITE_KEY)")
    if is_spec(target, specs_dir):
        source = SpecSource(specs_dir, target)
    else:
        source = FileSource(resolve(target, specs_dir, build_dir))
    source.poll()  # a bad spec or handler path fails here, before the port opens
    forwarding = ForwardQueue(Forwarder(write_key, region)) if forward else None
    dispatcher = Dispatcher(source.poll, build_options(**emu), on_result(forwarding), on_reload)
    recorder = Recorder()
    try:
        server = make_server(host, port, dispatcher, recorder)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    dispatcher.start()
    if forwarding:
        forwarding.start()
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"srcfn serve: http://{bound_host}:{bound_port}/ runs {target}"
               + (f", forwarding to Segment ({region})" if forward else "") + "; GET /_srcfn/calls lists what was emitted")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        dispatcher.stop()
        dispatcher.join(timeout=10)
        if forwarding:
            forwarding.close()


@main.command(name="deploy")
@click.argument("slug")
@specs_option
@build_option
@click.option("--function-id", help="Update this function (default: find it by display name).")
@click.option("--create", is_flag=True, help="Create the function when none has the spec's display name.")
@click.option("--deploy-to", metavar="SOURCE_ID", help="Deploy the function to its source instances (this source's among them).")
@click.option("--region", type=click.Choice(("us", "eu")), default="us", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show the differences with the remote function; change nothing.")
@user_errors
def deploy_command(slug, specs_dir, build_dir, function_id, create, deploy_to, region, dry_run) -> None:
    """Build SLUG, run its fixtures, then create or update its Source Function through Segment's Public API.

    The token comes from SEGMENT_PUBLIC_API_TOKEN and is never printed. Exit 0 done, 1 refused (failing
    fixtures), 2 usage or input errors, 3 the Public API refused or could not be reached.
    """
    token = os.environ.get("SEGMENT_PUBLIC_API_TOKEN", "")
    if not token:
        raise click.UsageError("set SEGMENT_PUBLIC_API_TOKEN to a Segment Public API token")
    if function_id and create:
        raise click.UsageError("--function-id and --create exclude each other")
    ws = load_workspace(specs_dir, build_dir, (slug,))
    loaded = ws.loaded[0]
    outputs = render_workspace(ws)[slug]
    if not dry_run:
        generate_files(ws)
    runs = run_rendered(slug, outputs, specs_dir / slug / "fixtures", Options())
    failed = [r for r in runs if not r.result.ok]
    if failed:
        report.fixture_failures(failed, "text")
        click.echo(f"srcfn: refusing to deploy {slug}: {len(failed)} of {len(runs)} fixtures fail", err=True)
        sys.exit(exit_codes.FINDINGS)
    echo = lambda text: click.echo(text.replace(token, "[REDACTED]"))  # noqa: E731 - belt and braces
    try:
        deploy(PublicAPI(token, region), Local.from_outputs(loaded.spec, outputs), function_id, create, deploy_to,
               dry_run, echo)
    except NotFound as exc:
        click.echo(f"srcfn: {exc}", err=True)
        sys.exit(exit_codes.USAGE)
    except (PublicAPIError, DeployFailed) as exc:
        click.echo(f"srcfn: {str(exc).replace(token, '[REDACTED]')}", err=True)
        sys.exit(exit_codes.REMOTE)


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
