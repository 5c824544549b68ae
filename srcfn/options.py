"""Options and error handling shared by every srcfn command."""
from __future__ import annotations

import functools
import os
import sys
from datetime import datetime
from pathlib import Path

import click

from .emulator.errors import EmulatorError
from .emulator.runner import ISOLATION_MODES, Options
from .core.findings import InputError, NotFound, WriteError
from .core.segment import TIMEOUT_SECONDS

from . import exit_codes, report
from .settings_file import read_settings

specs_option = click.option("--specs", "specs_dir", type=click.Path(path_type=Path), default=Path("specs"),
                            show_default=True, help="Folder holding <slug>/source.yaml.")
build_option = click.option("--build", "build_dir", type=click.Path(path_type=Path), default=Path("build"),
                            show_default=True, help="Folder of generated output.")


class Instant(click.ParamType):
    """A point in time: seconds since 1970, or an ISO 8601 date-time with its offset (2026-01-01T00:00:00Z)."""
    name = "TIME"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, float):
            return value
        try:
            return float(value)
        except ValueError:
            pass
        try:
            at = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            self.fail(f"{value!r} is not seconds since 1970 or an ISO 8601 date-time with an offset "
                      "(2026-01-01T00:00:00Z)", param, ctx)
        return at.timestamp()


now_option = click.option("--now", type=Instant(), help="Fix the handler's clock (Date) at TIME, and sign fixtures "
                          "at that time: seconds since 1970 or 2026-01-01T00:00:00Z.")


def user_errors(command):
    """Turn located input errors into messages and exit 2; a bug exits 1 with a one-line report."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            report.findings(exc.findings, "text")
            errors = report.count(exc.findings)
            click.echo(f"srcfn: {errors} error{'s' if errors != 1 else ''}; nothing was written.", err=True)
            sys.exit(exit_codes.USAGE)
        except (NotFound, WriteError, EmulatorError) as exc:
            click.echo(f"srcfn: {exc}", err=True)
            sys.exit(exit_codes.USAGE)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (`srcfn ... | head`): stop quietly, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(exit_codes.FINDINGS)
        except Exception as exc:  # a bug: say so plainly, keep the traceback for SRCFN_DEBUG=1
            if os.environ.get("SRCFN_DEBUG"):
                raise
            click.echo(f"srcfn: internal error: {type(exc).__name__}: {exc} (set SRCFN_DEBUG=1 for the traceback)", err=True)
            sys.exit(exit_codes.FINDINGS)
    return wrapper


def emulator_options(f):
    """The options every command that runs handlers shares."""
    for option in reversed([
        click.option("--settings", "settings_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="JSON object of settings; each fixture's own settings override it."),
        click.option("--deployed", is_flag=True, help="Sort body keys as deployed functions receive them."),
        click.option("--timeout", type=click.FloatRange(min=0.05), default=TIMEOUT_SECONDS, show_default=True, help="Seconds per invocation."),
        click.option("--isolation", type=click.Choice(ISOLATION_MODES), default="scope", show_default=True),
        click.option("--warm", is_flag=True, help="Same as --isolation warm: module state persists across invocations."),
        click.option("--fetch", "fetch_mode", type=click.Choice(("stub", "network")), default="stub", show_default=True,
                     help="stub: only the fixture's http stubs answer; network: unstubbed calls go out."),
        click.option("--node", help="A node binary (>= 18) instead of the packaged one (or set SRCFN_NODE)."),
        now_option,
    ]):
        f = option(f)
    return f


def build_options(settings_file, deployed, timeout, isolation, warm, fetch_mode, node, now, sensitive=()) -> Options:
    return Options(timeout=timeout, isolation="warm" if warm else isolation, deployed=deployed,
                   fetch=fetch_mode, node=node, now=now,
                   settings=read_settings(settings_file) if settings_file else {}, sensitive=tuple(sensitive))


