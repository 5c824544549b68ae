"""Commands that run handlers: `emulate`, `test`, `replay`, `serve`."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from .emulator.expectations import update as update_expectation
from .clients.tracking_api import Forwarder
from .emulator.runner import Emulator, Options
from .emulator.server import Dispatcher, Recorder, make_server

from . import exit_codes, report, show
from .fixture_runs import run_fixtures
from .options import build_option, build_options, emulator_options, now_option, specs_option, user_errors
from .replay import merge_summaries, replay as replay_payloads, shard_range, write_summary
from .signing import sign_fixtures
from .serve import FileSource, ForwardQueue, SpecSource, is_spec, on_error, on_reload, on_result
from .targets import fixture_paths, load_fixtures, resolve
from .workspace import load_workspace


@click.command()
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
    options = build_options(**emu, sensitive=tgt.sensitive())
    signing = [f for f in loaded if f.sign is not None]
    if signing and tgt.fixtures_dir is None:
        raise click.UsageError(f"{signing[0].ident} is signed when it runs, with its spec's webhook.signature: "
                               f"run `srcfn emulate SLUG`, not a handler file")
    if signing:
        spec = load_workspace(specs_dir, build_dir, (target,)).loaded[0].spec
        loaded = sign_fixtures(loaded, spec.webhook.signature, options.settings, options.now)
    failures = 0
    with Emulator(tgt.handler, options, plan=tgt.tracking_plan()) as runner:
        for fixture, result in zip(loaded, runner.run(loaded)):
            failures += not result.ok
            show.print_json(result) if as_json else show.print_result(result, fixture.ident)
    sys.exit(exit_codes.FINDINGS if failures else exit_codes.OK)


@click.command(name="test")
@click.argument("slugs", nargs=-1)
@specs_option
@build_option
@click.option("--update", is_flag=True,
              help="Write the expectation of each failing fixture, and of each fixture without one, from the actual result.")
@click.option("-v", "--verbose", is_flag=True, help="Show every invocation, not only failures.")
@now_option
@user_errors
def test_fixtures(slugs, specs_dir, build_dir, update, verbose, now) -> None:
    """Run every spec's fixtures against its built handler (build/<slug>/handler.js)."""
    ws = load_workspace(specs_dir, build_dir, slugs)
    total = failed = updated = 0
    for loaded in ws.loaded:
        slug = loaded.spec.source.slug
        tgt = resolve(slug, specs_dir, build_dir)
        runs = run_fixtures(slug, tgt.handler, specs_dir / slug / "fixtures",
                            Options(sensitive=tgt.sensitive(), now=now), tgt.tracking_plan(),
                            loaded.spec.webhook.signature)
        bad = 0
        for run in runs:
            result = run.result
            rewritable = run.only_in is None  # when the modes disagree, the handler is wrong, not the expectation
            if update and rewritable and (result.mismatch or run.fixture.expect is None) \
                    and update_expectation(run.fixture, result):
                updated += 1
                click.echo(f"UPDATED {run.fixture.ident}")
                result.mismatch = None  # the expectation now says what happened; broken contracts still fail
            bad += not result.ok
            if verbose or not result.ok:
                show.print_result(result, run.fixture.ident, verbose)
        total, failed = total + len(runs), failed + bad
        click.echo(f"{slug}: {len(runs)} fixtures, {len(runs) - bad} passed")
    click.echo(f"{total - failed} passed, {failed} failed" + (f" ({updated} expectations updated)" if update else ""))
    sys.exit(exit_codes.FINDINGS if failed else exit_codes.OK)


class ShardType(click.ParamType):
    """I/N: slice I (1-based) of N equal byte slices of the file."""
    name = "I/N"

    def convert(self, value, param, ctx) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        index, _, count = str(value).partition("/")
        if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            self.fail(f"{value!r} is not I/N with 1 <= I <= N (for example 2/8)", param, ctx)
        return int(index), int(count)


@click.command()
@click.argument("target")
@click.argument("payloads", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@specs_option
@build_option
@emulator_options
@click.option("--workers", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default="the machine's cores",
              help="Processes, each replaying its own byte range of the file.")
@click.option("--shard", type=ShardType(), default="1/1", help="Replay only slice I of N of the file (byte ranges).")
@click.option("--summary-json", "summary_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the summary as JSON, for `srcfn replay-merge`.")
@click.option("--tracking-plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False))
@user_errors
def replay(target, payloads, specs_dir, build_dir, workers, shard, summary_file, plan_file, **emu) -> None:
    """Stream an NDJSON file (each line a fixture or a bare webhook body) through the handler and summarise."""
    tgt = resolve(target, specs_dir, build_dir, plan_file)
    size = payloads.stat().st_size
    start, end = shard_range(size, shard)
    started = time.monotonic()
    with click.progressbar(length=end - start, label="replaying", file=sys.stderr) as bar:
        tally = replay_payloads(tgt.handler, payloads, build_options(**emu, sensitive=tgt.sensitive()),
                                tgt.tracking_plan(), workers, bar.update, shard)
    report.replay_summary(tally, str(payloads), time.monotonic() - started, workers)
    if summary_file:
        write_summary(tally, payloads, size, summary_file)
    sys.exit(exit_codes.FINDINGS if tally.errors or tally.violations or tally.bad_lines else exit_codes.OK)


@click.command(name="replay-merge")
@click.argument("summaries", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--summary-json", "summary_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the merged summary as JSON.")
@user_errors
def replay_merge(summaries, summary_file) -> None:
    """Merge the `--summary-json` files of `srcfn replay --shard I/N` runs that together cover one file."""
    tally, source, size = merge_summaries(list(summaries))
    report.replay_summary(tally, source)
    if summary_file:
        write_summary(tally, Path(source), size, summary_file)
    sys.exit(exit_codes.FINDINGS if tally.errors or tally.violations or tally.bad_lines else exit_codes.OK)


@click.command()
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
    dispatcher = Dispatcher(source.poll, build_options(**emu), on_result(forwarding), on_reload, on_error)
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
