"""Render a spec into the files of `build/<slug>/`; one function per output, all pure."""
from __future__ import annotations

import hashlib
from functools import lru_cache

import jinja2

from . import model as m
from .render_data import settings_json, tracking_plan_json
from .render_handler import handler_context
from .render_page import page_context

OUTPUTS = ("index.md", "handler.js", "settings.json", "tracking-plan.json")


@lru_cache(maxsize=1)
def jinja_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown and JavaScript: escaping is done in Python per target language
    )


def render_page(spec: m.Spec) -> str:
    return jinja_environment().get_template("index.md.jinja").render(page_context(spec))


_CODE_HASH = "{code sha256}"


def render_handler(spec: m.Spec) -> str:
    """The handler; its header carries the sha256 of its own code, so an edit that changes only the page (a
    description) leaves handler.js byte for byte as it was and needs no redeploy."""
    text = jinja_environment().get_template("handler.js.jinja").render({**handler_context(spec), "sha256": _CODE_HASH})
    return text.replace(_CODE_HASH, hashlib.sha256(text.encode("utf-8")).hexdigest(), 1)


def render_all(spec: m.Spec) -> dict[str, str]:
    """Every output file of a spec, keyed by file name, in OUTPUTS order."""
    return {
        "index.md": render_page(spec),
        "handler.js": render_handler(spec),
        "settings.json": settings_json(spec),
        "tracking-plan.json": tracking_plan_json(spec),
    }
