"""Resolve HANDLER_OR_SLUG: a handler file, or a spec slug whose build/<slug>/ holds the handler."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .emulator.contracts import TrackingPlan
from .emulator.fixtures import Fixture, FixtureError, discover, load_fixture
from .core.findings import NotFound


@dataclass(frozen=True)
class Target:
    handler: Path
    fixtures_dir: Path | None
    plan: Path | None
    settings_file: Path | None  # the build's settings.json: says which settings are sensitive

    def tracking_plan(self) -> TrackingPlan | None:
        return TrackingPlan.load(self.plan) if self.plan else None

    def sensitive(self) -> tuple[str, ...]:
        """Sensitive setting names from a generated settings.json (a FunctionSettingV1 list); any other
        file of that name (a user's own settings values, say) declares nothing."""
        if not self.settings_file:
            return ()
        try:
            declared = json.loads(self.settings_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ()
        if not isinstance(declared, list):
            return ()
        return tuple(s["name"] for s in declared if isinstance(s, dict) and s.get("sensitive") and isinstance(s.get("name"), str))


def resolve(arg: str, specs_dir: Path, build_dir: Path, plan: Path | None = None) -> Target:
    path = Path(arg)
    is_file = path.is_file()
    if is_file:
        folder = path.parent
    elif (build_dir / arg / "handler.js").is_file():
        path, folder = build_dir / arg / "handler.js", build_dir / arg
    elif (specs_dir / arg).is_dir():
        raise NotFound(f"{arg}: {build_dir / arg / 'handler.js'} does not exist: run `srcfn generate {arg}` first")
    else:
        raise NotFound(f"{arg}: no such handler file, and no spec of that slug ({specs_dir / arg}/ does not exist)")
    own_plan = folder / "tracking-plan.json"
    own_settings = folder / "settings.json"
    fixtures = None if is_file else specs_dir / arg / "fixtures"
    return Target(path, fixtures, plan or (own_plan if own_plan.is_file() else None),
                  own_settings if own_settings.is_file() else None)


def load_fixtures(paths: list[Path]) -> list[Fixture]:
    """Every fixture, or one FixtureError holding the findings of every bad file."""
    fixtures, findings = [], []
    for path in paths:
        try:
            fixtures.append(load_fixture(path, str(path)))
        except FixtureError as exc:
            findings += exc.findings
    if findings:
        raise FixtureError(findings)
    return fixtures


def fixture_paths(target: Target, given: tuple[Path, ...]) -> list[Path]:
    paths = list(given) or (discover(target.fixtures_dir) if target.fixtures_dir else [])
    if not paths:
        raise NotFound(f"{target.handler}: no fixtures: name fixture files, or add some to specs/<slug>/fixtures/")
    return paths

