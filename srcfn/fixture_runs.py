"""Run each spec's fixtures against a handler: shared by `srcfn test` and `srcfn check`."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from .emulator.contracts import TrackingPlan
from .emulator.fixtures import Fixture, discover
from .emulator.handler import Handler
from .emulator.results import Result
from .emulator.runner import Emulator, Options
from .generator.model import Signature, Spec

from .signing import sign_fixtures
from .targets import load_fixtures


@dataclass(frozen=True)
class FixtureRun:
    slug: str
    fixture: Fixture
    result: Result
    only_in: str | None = None  # the one mode the fixture passes in, when the two modes disagree


def run_fixtures(slug: str, handler: Handler | Path, fixtures_dir: Path, options: Options,
                 plan: TrackingPlan | None, signature: Signature | None) -> list[FixtureRun]:
    """Each fixture as Segment's tester runs it and as a deployed function receives it (body keys sorted): a
    handler must work in both, so a fixture that passes in only one fails, naming the other. Fixtures that ask to
    be signed are signed first, with the spec's `signature` at `options.now`."""
    fixtures = sign_fixtures(load_fixtures(discover(fixtures_dir)), signature, options.settings, options.now)
    if not fixtures:
        return []
    with Emulator(handler, replace(options, deployed=False), plan=plan) as emu:
        tester = list(emu.run(fixtures))
    with Emulator(handler, replace(options, deployed=True), plan=plan) as emu:
        deployed = list(emu.run(fixtures))
    return [_both(slug, f, t, d) for f, t, d in zip(fixtures, tester, deployed)]


def _both(slug: str, fixture: Fixture, tester: Result, deployed: Result) -> FixtureRun:
    if tester.ok == deployed.ok:
        return FixtureRun(slug, fixture, tester)
    if tester.ok:
        why = "passes in Segment's tester but fails as a deployed function receives it (body keys sorted)"
        return FixtureRun(slug, fixture, replace(deployed, mismatch=f"{why}:\n{_problem(deployed)}"), "tester")
    why = "passes as a deployed function receives it (body keys sorted) but fails in Segment's tester"
    return FixtureRun(slug, fixture, replace(tester, mismatch=f"{why}:\n{_problem(tester)}"), "deployed")


def _problem(result: Result) -> str:
    return result.mismatch or "\n".join(f"contract: {v['pointer']}: {v['message']}" for v in result.violations)


def run_rendered(spec: Spec, outputs: dict[str, str], fixtures_dir: Path, options: Options) -> list[FixtureRun]:
    """Fixtures against a freshly rendered handler and plan (in memory), whatever build/ holds."""
    slug = spec.source.slug
    handler = Handler(outputs["handler.js"], f"{slug}/handler.js (generated)")
    plan = TrackingPlan(json.loads(outputs["tracking-plan.json"]), f"{slug}/tracking-plan.json (generated)")
    sensitive = tuple(s.name for s in spec.settings if s.sensitive)
    return run_fixtures(slug, handler, fixtures_dir, replace(options, sensitive=sensitive), plan,
                        spec.webhook.signature)
