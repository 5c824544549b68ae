"""JSON Schema validators whose `pattern` means what JSON Schema says: an ECMA-262 regular expression, in which
`$` matches only at the end of the text. Python's `$` also matches before a final newline, so with the stock
validator a slug "acme\\n" passed `^[a-z0-9-]+$` and wrote a folder named with a newline."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern:
    """`pattern` with every `$` anchor (not escaped, not in a character class) made an end-of-text anchor."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return re.compile("".join(out))


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict):
    if validator.is_type(instance, "string") and not compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Draft202012 = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})
