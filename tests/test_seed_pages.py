"""The generated pages hold exactly the seed pages' events and properties, in the seeds' order."""
from __future__ import annotations

import pytest

from conftest import ROOT
import pagetables

SOURCES = ["yotpo", "klaviyo", "listrak"]


def _pages(slug: str) -> tuple[str, str]:
    seed = (ROOT / "tests" / "oracles" / f"{slug}.md").read_text(encoding="utf-8")
    built = (ROOT / "build" / slug / "index.md").read_text(encoding="utf-8")
    return seed, built


@pytest.mark.parametrize("slug", SOURCES)
def test_events_table_matches_seed(slug):
    seed, built = _pages(slug)
    expected = pagetables.events(seed)
    assert expected, "the oracle has an events table"
    assert pagetables.events(built) == expected


@pytest.mark.parametrize("slug", SOURCES)
def test_properties_table_matches_seed(slug):
    seed, built = _pages(slug)
    assert pagetables.properties(built) == pagetables.properties(seed)


def test_klaviyo_has_no_properties_section():
    _, built = _pages("klaviyo")
    assert "## Event Properties" not in built


def test_seed_counts_are_what_the_pages_show():
    """Guards the oracle reader itself: a parser that found nothing would make the tests above vacuous."""
    counts = {slug: (len(pagetables.events(_pages(slug)[0])), len(pagetables.properties(_pages(slug)[0])))
              for slug in SOURCES}
    assert counts == {"yotpo": (11, 8), "klaviyo": (6, 0), "listrak": (6, 6)}
