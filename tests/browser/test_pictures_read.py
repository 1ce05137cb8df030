"""The pictures as readers meet them: on a 390 px phone and a 1280 px desktop screen they fit
without sideways scrolling and no label is smaller than 11 CSS px; a keyboard reaches every link
in a picture and sees where the focus is; a screen reader hears the picture's title and
description, and its caption leads to the table that carries the same facts."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from .conftest import open_tab

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
KINDS = ("fs-graph", "fs-timeline", "fs-months", "fs-network")
SVG = re.compile(r'<svg\b[^>]*class="fs-svg fs-wide (fs-[a-z]+)".*?</svg>', re.S)


def busiest_pages(online_root: Path) -> dict[str, str]:
    """Each kind of picture -> the page whose drawing of it has the most links."""
    best: dict[str, tuple[int, str]] = {}
    for html in sorted(online_root.rglob("index.html")):
        text = html.read_text(encoding="utf-8")
        for match in SVG.finditer(text):
            kind, links = match.group(1), match.group(0).count("<a ")
            folder = html.parent.relative_to(online_root).as_posix()  # 'meetings', 'actors/x'
            page = "" if folder == "." else folder if "/" in folder else f"{folder}/index"
            if links > best.get(kind, (-1, ""))[0]:
                best[kind] = (links, page)
    assert set(best) == set(KINDS), f"pictures missing from the site: {set(KINDS) - set(best)}"
    return {kind: page for kind, (_, page) in best.items()}


# What each shown picture occupies and how large its smallest label is on the screen.
MEASURE = """() => {
    const shown = [...document.querySelectorAll("svg.fs-svg")].filter(s => s.checkVisibility());
    return {
        scrollWidth: document.documentElement.scrollWidth,
        hidden: [...document.querySelectorAll("svg.fs-svg")].filter(s => !s.checkVisibility())
            .map(s => s.getAttribute("class")),
        pictures: shown.map(svg => {
            const box = svg.getBoundingClientRect();
            const texts = [...svg.querySelectorAll("text")].map(t => {
                const r = t.getBoundingClientRect();
                const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
                return {text: t.textContent, px, left: r.left, right: r.right};
            });
            return {cls: svg.getAttribute("class"), left: box.left, right: box.right, texts};
        }),
    };
}"""


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_pictures_fit_the_screen_and_stay_legible(browser, site, built, screen):
    viewport = PHONE if screen == "phone" else DESKTOP
    width = viewport["width"]
    problems = []
    with contextlib.contextmanager(open_tab)(browser, site, viewport=viewport) as tab:
        for kind, page in sorted(busiest_pages(built["online"]).items()):
            tab.goto(page)
            m = tab.page.evaluate(MEASURE)
            where = f"{site.name} {width}px {page} {kind}"
            shown = [p for p in m["pictures"] if kind in p["cls"].split()]
            assert len(shown) == 1, f"{where}: {len(shown)} drawings of {kind} shown"
            variant = "fs-narrow" if screen == "phone" else "fs-wide"
            assert variant in shown[0]["cls"].split(), f"{where}: shows {shown[0]['cls']}"
            assert m["scrollWidth"] <= width, f"{where}: the page scrolls sideways"
            for picture in m["pictures"]:
                if picture["left"] < -0.5 or picture["right"] > width + 0.5:
                    problems.append(
                        f"{where}: {picture['cls']} spans {picture['left']:.0f}–{picture['right']:.0f}"
                    )
                for t in picture["texts"]:
                    if t["px"] < 11 - 1e-6:
                        problems.append(f"{where}: {t['text']!r} drawn at {t['px']:.1f}px")
                    if t["left"] < picture["left"] - 1 or t["right"] > picture["right"] + 1:
                        problems.append(f"{where}: {t['text']!r} runs off the picture")
        tab.assert_clean()
    assert not problems, "\n".join(problems[:40])


FOCUS = """() => {
    const a = document.activeElement;
    const svg = a && a.closest("svg.fs-svg");
    return svg ? [svg.getAttribute("class"), a.getAttribute("href"),
                  [...svg.querySelectorAll("a")].indexOf(a)] : null;
}"""


def test_keyboard_reaches_every_link_in_a_picture_and_shows_focus(browser, site, built):
    page = busiest_pages(built["online"])["fs-graph"]
    with contextlib.contextmanager(open_tab)(browser, site, viewport=DESKTOP) as tab:
        tab.goto(page)
        svg = tab.page.locator("svg.fs-wide.fs-graph")
        links = svg.locator("a")
        count = links.count()
        assert count > 2
        # start from the section heading's permalink, just before the picture; tab through it
        tab.page.locator("h2#who-met-whom a.headerlink").focus()
        visited = []
        for _ in range(count):
            tab.page.keyboard.press("Tab")
            visited.append(tab.page.evaluate(FOCUS))
        assert all(v and "fs-wide" in v[0].split() for v in visited), visited
        assert [v[2] for v in visited] == list(range(count)), "links skipped or out of order"
        tab.page.keyboard.press("Tab")
        after = tab.page.evaluate(FOCUS)
        assert after is None, f"focus went on into a hidden drawing: {after}"

        # the focused mark looks different from the same mark without focus
        tab.page.keyboard.press("Shift+Tab")
        focused = links.nth(count - 1)
        box = focused.bounding_box()
        clip = {
            "x": box["x"] - 6,
            "y": box["y"] - 6,
            "width": box["width"] + 12,
            "height": box["height"] + 12,
        }
        with_focus = tab.page.screenshot(clip=clip)
        tab.page.evaluate("document.activeElement.blur()")
        without = tab.page.screenshot(clip=clip)
        assert with_focus != without, "a focused link in the picture looks like any other"
        tab.assert_clean()


def test_screen_reader_hears_title_description_and_finds_the_table(browser, site, built):
    page = busiest_pages(built["online"])["fs-graph"]
    with contextlib.contextmanager(open_tab)(browser, site, viewport=DESKTOP) as tab:
        tab.goto(page)
        svg = tab.page.locator("svg.fs-wide.fs-graph")
        title = svg.locator("title").first.text_content()
        desc = svg.locator("desc").first.text_content()
        cdp = tab.page.context.new_cdp_session(tab.page)
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]

        def value(node, key):
            return (node.get(key) or {}).get("value", "")

        named = [n for n in nodes if not n.get("ignored") and value(n, "name") == title]
        # one group: the hidden narrow drawing (same title) is not read out as well
        assert [value(n, "role") for n in named] == ["group"], named
        assert value(named[0], "description") == desc
        links_in_picture = [
            value(n, "name") for n in nodes if value(n, "role") == "link" and not n.get("ignored")
        ]
        assert len(links_in_picture) >= svg.locator("a").count()

        # the caption says where the same facts are as a table, and that link lands on one
        caption = tab.page.locator("figure.fs-figure", has=svg).locator("figcaption a")
        target = caption.get_attribute("href")
        assert target and target.startswith("#")
        table = tab.page.locator(f"h2{target} ~ div table, h2{target} ~ table").first
        assert table.count() and table.locator("tbody tr").count() >= 1
        tab.assert_clean()
