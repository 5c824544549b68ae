"""Catalog pages: import → generate and lint, on the 24 live pages and on pages grown 10x and 100x.

    python benchmarks/pages.py [--rows 200]

The grown pages repeat a live page's tables with new names (rows events, rows properties per table, in per-event
tables under headings, as the largest live pages do). The goal is linear work: the time per KB on the page 100x the
size is about the time per KB on the small one (ratio near 1; quadratic work would give about 100).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from srcfn.generator.loader import load_spec  # noqa: E402
from srcfn.generator.pages.importer import import_page  # noqa: E402
from srcfn.generator.pages.lint import lint_page  # noqa: E402
from srcfn.generator.pages.parse import parse_page  # noqa: E402
from srcfn.generator.pages.writer import spec_yaml  # noqa: E402
from srcfn.generator.render import render_page  # noqa: E402

PAGES = ROOT / "tests" / "catalog-pages"


def round_trip(text: str, slug: str) -> str:
    result = import_page(parse_page(text, f"{slug}.md"), slug)
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / result.slug / "source.yaml"
        spec.parent.mkdir()
        spec.write_text(spec_yaml(result, f"{slug}.md"), encoding="utf-8")
        return render_page(load_spec(spec).spec)


def grown(events: int) -> str:
    """A page like the live ones, with `events` events, each with its own table of 10 properties."""
    head = (PAGES / "herow.md").read_text(encoding="utf-8").split("## Events", 1)[0]
    rows = "\n".join(f"| Zone Event {i} | The user did thing {i}. |" for i in range(events))
    tables = "\n\n".join(f"### Zone Event {i}\n\n| Property Name | Type | Description |\n|---|---|---|\n" +
                         "\n".join(f"| `field_{i}_{j}` | string | Field {j} of event {i}. |" for j in range(10))
                         for i in range(events))
    return (f"{head}## Events\n\n| Event Name | Description |\n|---|---|\n{rows}\n\n## Event Properties\n\n"
            f"{tables}\n\n## Adding Destinations\n\nConnect destinations.\n")


def timed(work, *args) -> float:
    start = time.perf_counter()
    work(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20, help="events of the smallest grown page")
    args = parser.parse_args()
    live = {p.stem: p.read_text(encoding="utf-8") for p in sorted(PAGES.glob("*.md")) if p.name != "README.md"}
    size = sum(len(t.encode()) for t in live.values()) / 1024
    trip = sum(timed(round_trip, t, s) for s, t in live.items())
    lint = sum(timed(lambda t: lint_page(parse_page(t, "p.md")), t) for t in live.values())
    print(f"24 live pages ({size:.0f} KB): import → generate {trip:.2f} s, lint {lint:.2f} s")
    per_kb = {}
    for factor in (1, 10, 100):
        text = grown(args.rows * factor)
        kb = len(text.encode()) / 1024
        trip, lint = timed(round_trip, text, "grown"), timed(lambda t: lint_page(parse_page(t, "p.md")), text)
        per_kb[factor] = (trip / kb, lint / kb)
        print(f"grown x{factor:<3} ({kb:7.0f} KB): import → generate {trip:6.2f} s ({1000 * trip / kb:.2f} ms/KB), "
              f"lint {lint:6.2f} s ({1000 * lint / kb:.2f} ms/KB)")
    print(f"time per KB, x100 page / x1 page: import → generate {per_kb[100][0] / per_kb[1][0]:.2f}, "
          f"lint {per_kb[100][1] / per_kb[1][1]:.2f} (1 is linear)")


if __name__ == "__main__":
    main()
