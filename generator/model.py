"""The typed spec: what the renderers read. Built only from a spec that passed every check."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CALL_ORDER = ("track", "identify")


@dataclass(frozen=True)
class Notice:
    type: str
    title: str
    body: str
    section: str


@dataclass(frozen=True)
class Source:
    name: str
    slug: str
    catalog_id: str | None
    version: str
    website: str
    intro: str
    maintainer: str
    support_email: str
    status: str
    regions: tuple[str, ...]
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class Connect:
    path: str
    url: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    description: str
    type: str
    required: bool
    sensitive: bool


@dataclass(frozen=True)
class Signature:
    scheme: str
    header: str
    secret_setting: str
    encoding: str
    prefix: str
    signed: str


@dataclass(frozen=True)
class Webhook:
    payload: dict
    event_type: str
    message_id: Any
    timestamp: Any
    signature: Signature | None


@dataclass(frozen=True)
class Rule:
    value: Any
    describe: str
    events: tuple[str, ...] | None
    only_without_user_id: bool

    def applies_to(self, event_name: str | None) -> bool:
        return self.events is None or event_name in self.events


@dataclass(frozen=True)
class Trait:
    name: str  # a template: `Listrak_list_{list_id}`
    value: Any
    describe: str | None


@dataclass(frozen=True)
class Event:
    name: str | None
    description: str | None
    call: str
    on: tuple[str, ...]
    properties: tuple[str, ...]
    required: tuple[str, ...]
    traits: tuple[Trait, ...]


@dataclass(frozen=True)
class Property:
    name: str
    description: str
    source: Any
    schema: dict


@dataclass(frozen=True)
class Section:
    title: str
    body: str


@dataclass(frozen=True)
class Spec:
    path: str  # `<slug>/source.yaml`, relative to the specs folder: the same on every machine
    sha256: str  # of the spec's canonical JSON, so formatting and comments do not count
    source: Source
    connect: Connect
    settings: tuple[Setting, ...]
    webhook: Webhook
    user_id: tuple[Rule, ...]
    anonymous_id: tuple[Rule, ...]
    traits: tuple[Trait, ...]
    events: tuple[Event, ...]
    properties: dict[str, Property]
    extra_sections: tuple[Section, ...]

    @property
    def track_events(self) -> list[Event]:
        return [e for e in self.events if e.call == "track"]

    @property
    def calls_used(self) -> list[str]:
        used = {e.call for e in self.events}
        return [c for c in CALL_ORDER if c in used]

    def rule_for(self, rules: tuple[Rule, ...], event: Event) -> Rule | None:
        """The first rule that applies to `event` (rules naming events are for track events)."""
        return next((r for r in rules if r.applies_to(event.name)), None)

    def webhook_types(self) -> list[str]:
        """Every webhook type the handler accepts, in spec order."""
        seen: dict[str, None] = {}
        for event in self.events:
            seen.update(dict.fromkeys(event.on))
        return list(seen)

    def events_on(self, webhook_type: str) -> list[Event]:
        return [e for e in self.events if webhook_type in e.on]
