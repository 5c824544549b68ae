"""Import a catalog page into a spec: everything the page states, and TODO markers (with the page line) for what
only prose says (identity rules) or the page cannot know (the webhook payload).

The result always validates: every value is fitted to the spec's schema, and anything that cannot be fitted
(an empty event name, a duplicate) is left out and reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...core.findings import Finding
from ...core.segment import TEMPLATE_SECTIONS, UTM
from ..markdown import unclosed_block
from ..render_page import AUTHENTICITY_NOTE
from .import_stream import identify_hooks, identity_rules, is_traits_table, traits_rows
from .import_tables import Carried, carry, find_tables
from .parse import Block, Page
from .sections import Placed, place, role_of

# Link text and target stop at the next bracket: on a page of `[[[[` or `[a](` these stay linear (they were
# quadratic: a 110 KB page took minutes).
_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)(\{:[^{}]*\})?")
_EMAIL = re.compile(r"(?:mailto:)?([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_PATH_BOLD = re.compile(r"\*\*([^*]*?>[^*]*?)\*\*")
_METHODS = ("track", "identify", "page", "group")
TODO_EMAIL = "todo@example.invalid"


@dataclass
class Imported:
    spec: dict
    slug: str
    todos: list[Finding] = field(default_factory=list)


def import_page(page: Page, slug_hint: str | None = None) -> Imported:
    todos: list[Finding] = []

    def todo(line: int, pointer: str, message: str) -> None:
        todos.append(Finding(page.path, line, 1, pointer, message, "todo"))

    placed = place(page)
    name = _name(page, todo)
    slug = _slug(slug_hint or name)
    link = _homepage(placed)
    spec: dict = {"source": _source(page, placed, name, slug, link, todo), "connect": _connect(page, placed, todo)}
    carried = carry(find_tables(page, placed), todo)
    identify = _identify(page, placed, todo) if "identify" in _methods(page, placed) else None
    spec_events = _events(carried, identify, todo)
    spec["webhook"] = _webhook(spec_events, carried.properties)
    spec["identity"] = _identity(placed, name, [e["name"] for e in spec_events if "name" in e], todo)
    spec["events"] = spec_events
    if carried.properties:
        spec["properties"] = {k: {"description": p["description"], "from": _reads(k)} | p
                              for k, p in carried.properties.items()}
    extra = _extra_sections(page, placed, todo)
    if extra:
        spec["extra_sections"] = extra
    if carried.page:
        spec["page"] = carried.page
    _left_behind(page, placed, todo)
    return Imported(spec, slug, todos)


def _markdown(text: str, line: int, pointer: str, todo) -> str | None:
    """Page Markdown to keep as is, or None (reported) when it opens a block that would swallow a page."""
    problem = unclosed_block(text)
    if problem:
        todo(line, pointer, f"left out: {problem}")
        return None
    return text


def _clean_line(text: str, limit: int = 200) -> str:
    return " ".join(text.replace("\u2028", " ").replace("\u2029", " ").split())[:limit].strip()


def _name(page: Page, todo) -> str:
    title = page.front.get("title")
    name = re.sub(r"\s+Source\s*$", "", str(title)).strip() if title else ""
    if not _clean_line(name):
        todo(1, "/source/name", "the front matter has no title; named the source TODO")
        return "TODO"
    return _clean_line(name)


def _slug(text: str) -> str:
    slug = re.sub(r"[()']", "", text.lower().replace(".", "-", 1).replace("/", "-", 1))
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return slug[:100].strip("-") or "source"


def _homepage(placed: list[Placed]) -> tuple[Block, str, str] | None:
    """(paragraph, link text, URL) of the partner's homepage link: the one with the utm string, else the first."""
    candidates = [(p.block, m) for p in placed if p.role == "top" and p.block.kind == "paragraph"
                  for m in _LINK.finditer(p.block.text) if m.group(2).startswith("http") and "segment.com" not in m.group(2)]
    best = next(((b, m) for b, m in candidates if UTM[1:] in m.group(2)), candidates[0] if candidates else None)
    return (best[0], best[1].group(1), best[1].group(2)) if best else None


def _source(page: Page, placed: list[Placed], name: str, slug: str, link, todo) -> dict:
    source: dict = {"name": name, "slug": slug}
    catalog_id = str(page.front.get("id", ""))
    if re.fullmatch(r"[A-Za-z0-9]{10}", catalog_id):
        source["catalog_id"] = catalog_id
    website = link[2].split("?")[0] if link else ""
    if not re.fullmatch(r"https?://[^\s?#]+", website):
        todo(1, "/source/website", "no homepage link found; set the partner's website")
        website = "https://example.invalid/"
    source["website"] = website
    source["intro"] = _intro(placed, name, link, todo)
    source["maintainer"] = {"name": name, "support_email": _support_email(placed, page, todo)}
    includes = {p.block.text for p in placed if p.block.kind == "include"}
    hidden = page.front.get("hidden") is True
    source["status"] = "hidden" if hidden else "beta" if "content/beta-note.md" in includes else "public"
    source["regions"] = ["us"] if "content/source-region-unsupported.md" in includes else ["us", "eu"]
    notices = [_notice(p) for p in placed if p.block.kind == "callout" and p.block.text.strip()
               and _markdown(p.block.text, p.block.line, "/source/notices", todo)]
    if notices:
        source["notices"] = notices
    return source


def _intro(placed: list[Placed], name: str, link, todo) -> str:
    boilerplate = re.compile(r"Event Cloud Source\]\(|maintained by|maintains this Source", re.I)
    paragraphs = [p.block for p in placed if p.role == "top" and p.block.kind == "paragraph"
                  and not boilerplate.search(p.block.text)]
    if link and link[0] in paragraphs:
        paragraphs.remove(link[0])
        first = link[0].text
        match = next(m for m in _LINK.finditer(first) if m.group(2) == link[2])
        lead = (first[:match.start()] + first[match.end():]).strip()
        paragraphs.insert(0, Block("paragraph", link[0].line, link[0].end, text=lead))
    texts = [b.text for b in paragraphs if b.text.strip()]
    if texts and texts[0].startswith(name + " "):
        texts[0] = texts[0][len(name) + 1:]
    intro = _markdown("\n\n".join(texts), paragraphs[0].line if paragraphs else 1, "/source/intro", todo) if texts else None
    if not intro:
        todo(1, "/source/intro", "no introduction found; write one or two sentences about the partner")
        return "TODO: one or two sentences about the partner."
    return intro


def _support_email(placed: list[Placed], page: Page, todo) -> str:
    for p in sorted(placed, key=lambda p: (p.role != "top", p.block.line)):
        for m in _LINK.finditer(p.block.text):
            email = _EMAIL.fullmatch(m.group(2))
            if email:
                return email.group(1)
    todo(1, "/source/maintainer/support_email", f"no support email found; replaced by {TODO_EMAIL}")
    return TODO_EMAIL


def _notice(p: Placed) -> dict:
    section = p.role if p.role in TEMPLATE_SECTIONS else "top"
    notice = {"type": p.block.detail, "title": p.block.title.replace('"', "'"), "body": p.block.text.strip()}
    return notice | ({"section": section} if section != "top" else {})


def _connect(page: Page, placed: list[Placed], todo) -> dict:
    """Where the user pastes the write key: a bold or linked `A > B > C` path in Getting started, and the sub-steps
    under it."""
    text = "\n".join(page.source(p.block) for p in placed if p.role == "getting_started")
    link = next((m for m in _LINK.finditer(text) if ">" in m.group(1)), None)
    found = link or _PATH_BOLD.search(text)
    if not found:
        line = next((p.block.line for p in placed if p.role == "getting_started"), 1)
        todo(line, "/connect/path", "Getting started names no `A > B` path to the write key setting; write it")
        return {"path": "TODO: where in the partner's app users paste the write key"}
    connect = {"path": _clean_line(found.group(1).replace("*", ""))} | ({"url": link.group(2)} if link else {})
    notes = _sub_bullets(text[text.find("\n", found.end()) + 1:] if "\n" in text[found.end():] else "")
    if any(n.startswith(AUTHENTICITY_NOTE) for n in notes):
        line = next((p.block.line for p in placed if p.role == "getting_started"), 1)
        todo(line, "/webhook/signature", "the page says which webhooks the source accepts: declare "
                                         "webhook.signature, then drop that note (the signature writes it)")
    return connect | ({"notes": notes} if notes else {})


def _sub_bullets(text: str) -> list[str]:
    """The indented bullets that directly follow the step naming the path (its sub-steps)."""
    notes = []
    for line in text.splitlines():
        match = re.match(r"^\s{2,}[-*]\s+(\S.*)$", line)
        if not match:
            break
        notes.append(match.group(1).strip())
    return [n for n in notes if not unclosed_block(n)]


def _methods(page: Page, placed: list[Placed]) -> list[str]:
    text = " ".join(page.source(p.block) for p in placed if p.role == "stream").lower()
    return [m for m in _METHODS if re.search(rf"\b{m}\b", text)]


def _field(name: str) -> str:
    """A payload field name for a trait's placeholder path."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _key(name: str) -> str:
    """The payload field a property's placeholder reads."""
    return name.replace(".", "_")


def _reads(name: str) -> str | dict:
    """The placeholder `from` of a property: a path when its key can be one, else the path operator's list form."""
    key = _key(name)
    return f"properties.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else {"path": ["properties", key]}


def _webhook(events: list[dict], properties: dict) -> dict:
    """A payload schema declaring what the imported rules read; the real payload is the partner's to write."""
    hooks = [h for e in events for h in ([e["on"]] if isinstance(e["on"], str) else e["on"])]
    traits = {k: v for e in events for k, v in e.get("traits", {}).items()}
    fields = {f for name in traits for f in re.findall(r"\{([^{}]+)\}", name)}
    payload = {"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "enum": list(dict.fromkeys(hooks))},
        "id": {"type": "string"}, "timestamp": {"type": "string"},
        "user_id": {"type": "string"}, "anonymous_id": {"type": "string"},
        "properties": {"type": "object", "properties": {_key(n): {} for n in properties}},
    } | ({"traits": {"type": "object", "properties": {_field(n): {} for n in traits}}} if traits else {})
      | {f: {"type": "string"} for f in sorted(fields)}}
    return {"event_type": "type", "message_id": "id", "timestamp": "timestamp", "payload": payload}


def _hook(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower())[:100].strip("_") or "event"


def _identity(placed: list[Placed], name: str, events: list[str], todo) -> dict:
    found = identity_rules(placed, name, events)
    if found:
        line, rules = found
        todo(line, "/identity", "identity rules: the page's words are each rule's describe; write the value each "
                                "rule reads (a placeholder now)")
        return rules
    prose = [p.block for p in placed if p.block.kind == "paragraph" and re.search(r"userId|anonymousId", p.block.text)]
    line = prose[0].line if prose else 1
    sentences = [s for b in prose for s in re.split(r"(?<=[.!?])\s+", b.text) if re.search(r"userId|anonymousId", s)]
    said = _clean_line(" ".join(sentences), 150)
    todo(line, "/identity", "identity rules come from prose; write them as rules"
         + (f" (the page says: {said})" if said else ""))
    return {"user_id": {"value": "user_id", "describe": "TODO: where the userId comes from"},
            "anonymous_id": {"value": "anonymous_id", "describe": "TODO: where the anonymousId comes from"}}


def _identify(page: Page, placed: list[Placed], todo) -> dict:
    """The identify call the Stream section describes: the webhooks that make it, the traits it sends."""
    hooks, conditional = identify_hooks(page, placed)
    call: dict = {"call": "identify", "on": (hooks[0] if len(hooks) == 1 else hooks) if hooks else "identify"}
    if conditional:
        todo(1, "/events", "the page says identify calls are made only when conditions hold: write them as `when`")
    traits = {}
    for line, trait, description in traits_rows(placed):
        if not re.fullmatch(r"\S+", trait) or trait in traits:
            todo(line, "/identity/traits", f"trait {trait!r} cannot be a trait name (no spaces, once each): left out")
            continue
        traits[trait] = {"value": f"traits.{_field(trait)}"} | ({"describe": description[:200].strip()} if description else {})
    if traits:
        call["traits"] = traits
    return call


def _events(carried: Carried, identify: dict | None, todo) -> list[dict]:
    out: list[dict] = []
    hooks: set[str] = set()
    for entry in carried.events:
        name = entry.get("name", entry.get("collection"))
        hook = _hook(name)
        while hook in hooks:
            hook += "_2"
        hooks.add(hook)
        event = entry | {"on": hook} | ({"id": "id"} if entry.get("call") == "set" else {})
        listed = carried.lists.get(name, []) if "name" in entry else []
        names = listed + [k for k in carried.common if k not in listed] if "name" in entry else []
        if names:
            event["properties"] = names
        out.append(event)
    tracks = [e for e in carried.events if "name" in e]
    if carried.common and tracks:
        tied = "; the tables headed by an event's name belong to that event" if carried.lists else ""
        todo(carried.lines[tracks[0]["name"]], "/events",
             "the page does not say which event carries which property: every event lists the properties of the "
             f"tables not headed by an event's name{tied}")
    if identify:
        out.append(identify)
    if not carried.events:
        todo(1, "/events", "the page lists no events; add them")
        out.insert(0, {"name": "TODO Event", "description": "TODO: the events the source sends.", "on": "todo"})
    return out


def _left_behind(page: Page, placed: list[Placed], todo) -> None:
    """Report the tables the spec does not carry: those of the sections the template writes itself."""
    for p in placed:
        if p.block.kind == "table" and p.role in ("top", "getting_started", "stream", "adding_destinations") \
                and not is_traits_table(p):
            rows = len(p.block.rows)
            todo(p.block.line, "/extra_sections", f"a table of {rows} row{'s' if rows != 1 else ''} in the "
                 f"{TEMPLATE_SECTIONS.get(p.role, 'introduction')!r} section is not carried over (the template writes "
                 "that section): move it to an extra section")


def _extra_sections(page: Page, placed: list[Placed], todo) -> list[dict]:
    """Sections the template does not have, kept verbatim (headings below H2 included)."""
    sections: list[dict] = []
    heads = [p.block for p in placed if p.block.kind == "heading" and p.block.level <= 2]
    for i, head in enumerate(heads):
        if next(p.role for p in placed if p.block is head) != "extra":
            continue
        end = heads[i + 1].line - 1 if i + 1 < len(heads) else len(page.lines)
        body = _markdown("\n".join(page.lines[head.line:end]).strip(), head.line, "/extra_sections", todo)
        title = _clean_line(head.text)
        if body and title and role_of(title) is None:
            sections.append({"title": title, "body": body})
    return sections
