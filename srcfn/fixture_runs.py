"""Run each spec's fixtures against a handler: shared by `srcfn test` and `srcfn check`."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .emulator.contracts import TrackingPlan
from .emulator.fixtures import Fixture, discover
from .emulator.handler import Handler
from .emulator.results import Result
from .emulator.runner import Emulator, Options

from .targets import load_fixtures


@dataclass(frozen=True)
class FixtureRun:
    slug: str
    fixture: Fixture
    result: Result


def run_fixtures(slug: str, handler: Handler | Path, fixtures_dir: Path, options: Options,
                 plan: TrackingPlan | None) -> list[FixtureRun]:
    fixtures = load_fixtures(discover(fixtures_dir))
    if not fixtures:
        return []
    with Emulator(handler, options, plan=plan) as emu:
        return [FixtureRun(slug, f, r) for f, r in zip(fixtures, emu.run(fixtures))]


def run_rendered(slug: str, outputs: dict[str, str], fixtures_dir: Path, options: Options) -> list[FixtureRun]:
    """Fixtures against a freshly rendered handler and plan (in memory), whatever build/ holds."""
    handler = Handler(outputs["handler.js"], f"{slug}/handler.js (generated)")
    plan = TrackingPlan(json.loads(outputs["tracking-plan.json"]), f"{slug}/tracking-plan.json (generated)")
    return run_fixtures(slug, handler, fixtures_dir, options, plan)
