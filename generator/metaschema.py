"""The spec meta-schema as shipped, and the check of a loaded spec against it."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from ..core.ecma_patterns import Draft202012
from ..core.findings import Collector
from ..core.schema_errors import report_schema_errors
from ..core.segment import TEMPLATE_SECTIONS


@lru_cache(maxsize=1)
def meta_schema() -> dict:
    """The meta-schema, with the lists it shares with Segment's facts filled in from core.segment."""
    text = resources.files(__package__).joinpath("schema/source.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    schema["$defs"]["notice_section"]["enum"] = ["top", *TEMPLATE_SECTIONS]
    return schema


def meta_schema_text() -> str:
    """The meta-schema as `srcfn schema` prints it."""
    return json.dumps(meta_schema(), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return Draft202012(meta_schema())


def check_against_meta_schema(value: Any, out: Collector) -> None:
    """Add a finding for every way `value` breaks the meta-schema."""
    report_schema_errors(_validator(), value, out)
