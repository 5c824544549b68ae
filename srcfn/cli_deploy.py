"""The `deploy` command."""
from __future__ import annotations

import os
import sys

import click

from .emulator.runner import Options

from . import exit_codes, report
from .check import render_workspace
from .deploy import DeployFailed, FunctionNotFound, Local, deploy
from .fixture_runs import run_rendered
from .generate import generate as generate_files
from .options import build_option, specs_option, user_errors
from .clients.public_api import PublicAPI, PublicAPIError
from .workspace import load_workspace


@click.command(name="deploy")
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
    runs = run_rendered(loaded.spec, outputs, specs_dir / slug / "fixtures", Options())
    failed = [r for r in runs if not r.result.ok]
    if failed:
        report.fixture_failures(failed, "text")
        click.echo(f"srcfn: refusing to deploy {slug}: {len(failed)} of {len(runs)} fixtures fail", err=True)
        sys.exit(exit_codes.FINDINGS)
    echo = lambda text: click.echo(text.replace(token, "[REDACTED]"))  # noqa: E731 - belt and braces
    try:
        deploy(PublicAPI(token, region), Local.from_outputs(loaded.spec, outputs), function_id, create, deploy_to,
               dry_run, echo)
    except FunctionNotFound as exc:
        click.echo(f"srcfn: {exc}", err=True)
        sys.exit(exit_codes.USAGE)
    except (PublicAPIError, DeployFailed) as exc:
        click.echo(f"srcfn: {str(exc).replace(token, '[REDACTED]')}", err=True)
        sys.exit(exit_codes.REMOTE)
