"""The typed spec: what the renderers read. Built by build.py, only from a spec that passed every check; every
value in it is a typed expression (expr/nodes.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from .expr.nodes import Expr, FunctionCall

CALL_ORDER = ("track", "identify", "group", "page", "screen", "alias", "set")


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
    mode: str  # write_key | webhook


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
    scheme: str            # hmac-sha256 | hmac-sha1 | hmac-sha512 | basic | bearer | query_token
    secret_setting: str
    given: Expr            # where the signature (or credential) is: a header, a query parameter, a body field
    label: str             # that place in words, for error messages: "X-Acme-Signature header"
    encoding: str
    prefix: str
    signed: Union[str, Expr]  # sorted_json, or an expression of what the producer signs (hmac only)
    timestamp: Expr | None
    tolerance: int | None
    format: dict | None = None       # {items, pair, key}: several signatures in one value
    secret_encoding: str = "text"    # text | hex | base64 | whsec
    timestamp_ms: bool = False       # the timestamp counts milliseconds, not seconds


@dataclass(frozen=True)
class Batch:
    array: tuple          # steps from the body to the array (empty: the body is the array)
    item: tuple           # steps from an element to its event (empty: the element is the event)
    invalid: str          # reject | skip
    items_pointer: str = ""     # skip: the JSON pointer of the elements' schema in the payload schema
    items_schema: object = None


@dataclass(frozen=True)
class Webhook:
    payload: dict
    batch: Batch | None
    event_type: Expr | None
    message_id: Expr | None
    message_id_per_event: bool  # the id reads the event: no element number needs adding in a batch
    timestamp: Expr | None
    ignore_types: tuple[str, ...]
    ignore_when: tuple[Expr, ...]
    unknown_types: str          # reject | ignore
    signature: Signature | None
    types: tuple[str, ...]      # the webhook types the payload schema allows (its enum), when it says


@dataclass(frozen=True)
class Identity:
    value: Expr
    describe: str
    only_without_user_id: bool = False
    scope: tuple[str, ...] | None = None  # the rule's events, for the page (None: every call)


@dataclass(frozen=True)
class IdentityRules:
    """The spec's `identity` block: what the page says about userId, anonymousId and common traits."""
    user_id: tuple[Identity, ...]
    anonymous_id: tuple[Identity, ...]
    traits: tuple[Trait, ...]


@dataclass(frozen=True)
class Trait:
    name: str             # as written: a template such as `Listrak_list_{listId}`
    key: Expr | None      # the name computed per webhook (None when the name names nothing)
    value: Expr
    describe: str | None


@dataclass(frozen=True)
class Property:
    name: str
    description: str
    source: Expr | None   # `from`; a call may give its own value instead
    schema: dict          # as declared, or derived from the values it takes
    label: str | None = None                 # the page's name cell, when not the name in code
    cells: tuple[tuple[str, str], ...] = ()  # the page's extra columns (title, Markdown)


@dataclass(frozen=True)
class Call:
    pointer: str
    kind: str                               # track | identify | group | page | screen | alias | set
    name: str | None                        # track event, page or screen name; a label for other calls
    name_from: Expr | None
    description: str | None
    on: tuple[str, ...] | None              # None: every webhook type
    when: Expr | None
    user_id: Identity | None
    anonymous_id: Identity | None
    properties: Union[tuple[tuple[str, Expr], ...], Expr]  # named (in table order), or an object expression
    required: tuple[str, ...]
    traits: tuple[Trait, ...]
    fields: tuple[tuple[str, Expr], ...]    # groupId, previousId, collection, id, timestamp, messageId
    collection: str | None                  # set: a static collection name
    context: tuple[tuple[str, Expr], ...]
    integrations: tuple[tuple[str, Expr], ...]
    cells: tuple[tuple[str, str], ...] = ()  # the page's extra columns (title, Markdown)


@dataclass(frozen=True)
class Group:
    pointer: str
    on: tuple[str, ...] | None
    when: Expr | None
    each: Expr | None
    var: str | None
    index: str | None
    description: str | None
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class FunctionCalls:
    """Calls a function of the spec's folder returns."""
    pointer: str
    on: tuple[str, ...] | None
    when: Expr | None
    call: FunctionCall
    name: str | None
    description: str | None


Entry = Union[Call, Group, FunctionCalls]


@dataclass(frozen=True)
class Function:
    name: str
    file: str
    code: str
    returns: dict
    description: str | None


@dataclass(frozen=True)
class Section:
    title: str
    body: str


@dataclass(frozen=True)
class Column:
    show: str | None  # name | description | kind | type | required | example; None: each row's cells
    title: str


@dataclass(frozen=True)
class Row:
    name: str                                # event name, set collection or property name
    description: str | None = None           # the row's own, when it says more than the property's
    cells: tuple[tuple[str, str], ...] = ()  # the row's own cells, over the property's


@dataclass(frozen=True)
class Table:
    title: str | None   # a heading above the table
    intro: str | None   # Markdown between heading and table
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    event: str | None = None  # the event whose properties the table lists (its Required column)


@dataclass(frozen=True)
class Layout:
    """The page's tables; the template's layout unless the spec's `page` block says otherwise."""
    events: tuple[Table, ...]      # one table, or one per group
    events_level: int
    properties: tuple[Table, ...]  # one table, one per event, or one per group
    properties_level: int
    traits: tuple[Column, ...]
    collections: tuple[Column, ...] | None  # None: set calls are rows of the events table (it has a kind column)


@dataclass(frozen=True)
class Spec:
    path: str    # `<slug>/source.yaml`, relative to the specs folder: the same on every machine
    sha256: str  # of the spec's canonical JSON (and its function files), so formatting and comments do not count
    source: Source
    connect: Connect
    settings: tuple[Setting, ...]
    webhook: Webhook
    identity: IdentityRules
    entries: tuple[Entry, ...]
    properties: dict[str, Property]
    functions: tuple[Function, ...]
    extra_sections: tuple[Section, ...]
    layout: Layout

    @property
    def calls(self) -> list[Call]:
        """Every call, groups flattened, in spec order."""
        return calls_of(self.entries)

    @property
    def track_calls(self) -> list[Call]:
        return [c for c in self.calls if c.kind == "track"]

    @property
    def calls_used(self) -> list[str]:
        used = {c.kind for c in self.calls} | ({"function"} if self.function_calls else set())
        return [k for k in CALL_ORDER if k in used]

    @property
    def function_calls(self) -> list[FunctionCalls]:
        return [c for e in self.entries for c in flatten(e) if isinstance(c, FunctionCalls)]


def calls_of(entries: tuple[Entry, ...]) -> list[Call]:
    """Every call of these entries, groups flattened, in order (function entries left out)."""
    return [c for e in entries for c in flatten(e) if isinstance(c, Call)]


def flatten(entry: Entry):
    """The calls of an entry (a group's, recursively), in order."""
    if isinstance(entry, Group):
        for inner in entry.entries:
            yield from flatten(inner)
    else:
        yield entry
