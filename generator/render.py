"""Render a spec into the files of `build/<slug>/`; one function per output, all pure."""
from __future__ import annotations

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


def render_handler(spec: m.Spec) -> str:
    return jinja_environment().get_template("handler.js.jinja").render(handler_context(spec))


def render_all(spec: m.Spec) -> dict[str, str]:
    """Every output file of a spec, keyed by file name, in OUTPUTS order."""
    return {
        "index.md": render_page(spec),
        "handler.js": render_handler(spec),
        "settings.json": settings_json(spec),
        "tracking-plan.json": tracking_plan_json(spec),
    }
