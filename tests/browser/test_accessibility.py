"""WCAG 2.1 AA, checked by axe-core in a real Chromium: every page type (home, each index, a record
of each type, the largest record page, the search with its results open), on the served site and
in the offline bundle, with the reader's system in light and in dark mode.

The test fails on any violation of a WCAG 2.1 A/AA rule and on best-practice rules of impact
serious or critical (tests/browser/support.py, `axe_violations`)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sitebuild import ROOT

from .conftest import open_tab
from .support import axe_violations, describe_violations, record_name, search

pytestmark = pytest.mark.browser

TYPES = ("actors", "meetings", "positions", "topics", "places", "sources")
SCHEMES = {"light": "default", "dark": "slate"}  # the reader's system -> Material's scheme
# what must be legible in both schemes: among the pages checked, some have each of these
PARTS = (".fs-factbox", ".admonition", "figure.fs-figure svg", "table")


def richest_records() -> list[str]:
    """A record of each type: the one with the largest YAML file (the most facts to show)."""
    out = []
    for type_ in TYPES:
        files = sorted(
            (ROOT / "content" / type_).glob("*.yml"), key=lambda p: (-p.stat().st_size, p.name)
        )
        assert files, f"no {type_} in content/"
        out.append(f"{type_}/{files[0].stem}")
    return out


def largest_record_page(site_root: Path) -> str:
    """The record page with the most HTML in the online build."""
    pages = [p for t in TYPES for p in (site_root / t).glob("*/index.html")]
    largest = max(pages, key=lambda p: (p.stat().st_size, str(p)))
    return largest.parent.relative_to(site_root).as_posix()


def pages_to_check(online_root: Path) -> list[str]:
    pages = ["", *(f"{t}/index" for t in TYPES), *richest_records()]
    largest = largest_record_page(online_root)
    return list(dict.fromkeys([*pages, largest]))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_violation(browser, site, built, scheme):
    problems: list[str] = []
    checked, seen = [], set()
    with contextlib.contextmanager(open_tab)(browser, site, color_scheme=scheme) as tab:
        for page in pages_to_check(built["online"]):
            tab.goto(page)
            shown = tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert shown == SCHEMES[scheme], f"{page or 'home'}: a {scheme} system got {shown!r}"
            problems += describe_violations(page or "home", axe_violations(tab))
            checked.append(page or "home")
            for part in PARTS:
                if tab.page.locator(f"article {part}").count():
                    seen.add(part)

        # the search dialog open, with results listed
        tab.goto()
        results = search(tab, record_name("actors/andrey-belousov").split()[-1])
        assert results, "the search found nothing: its dialog was checked empty"
        assert tab.page.locator("#fs-search-results").is_visible()
        problems += describe_violations("search with results", axe_violations(tab))
        tab.assert_clean()
    assert len(checked) >= 1 + 2 * len(TYPES), checked
    assert seen == set(PARTS), f"no page checked has {set(PARTS) - seen}"
    assert not problems, f"{site.name}, {scheme} scheme: axe-core found\n" + "\n".join(problems)


def test_print_stays_light_under_a_dark_system(browser, site):
    """A dark screen scheme must not print white text on white paper (or a dark page)."""
    with contextlib.contextmanager(open_tab)(browser, site, color_scheme="dark") as tab:
        tab.goto("actors/rajnath-singh")
        assert tab.page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        screen = tab.page.evaluate(COLOURS)
        tab.page.emulate_media(media="print")
        printed = tab.page.evaluate(COLOURS)
        assert screen["page"] != printed["page"], "the check saw no difference: it is broken"
        assert printed == {
            "page": "rgb(255, 255, 255)",
            "text": printed["text"],
            "picture": "rgb(255, 255, 255)",
            "label": "rgb(26, 26, 26)",
        }, printed
        assert luminance(printed["text"]) < 0.1, printed
        tab.assert_clean()


COLOURS = """() => {
    const style = e => getComputedStyle(e);
    const svg = document.querySelector("svg.fs-wide");
    return {
        page: style(document.body).backgroundColor,
        text: style(document.querySelector("article p")).color,
        picture: style(svg).backgroundColor,
        label: style(svg.querySelector("text.fs-fill-ink")).fill,
    };
}"""


def luminance(rgb: str) -> float:
    """'rgb(r, g, b)' or 'rgba(r, g, b, a)' -> WCAG relative luminance (alpha ignored)."""
    r, g, b = (int(float(v)) / 255 for v in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
