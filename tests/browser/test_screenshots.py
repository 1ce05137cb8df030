"""Screenshots of what a reader sees (saved under artifacts/screenshots/, git-ignored), and the
native-script names drawn with a real font.

The README's pictures, docs/assets/readme/actor-page.png and actor-page-phone-dark.png, are
written from the online actor page when missing, or when UPDATE_README_SCREENSHOT=1 (so that
`make test` does not rewrite a committed file on every run)."""

from __future__ import annotations

import base64
import contextlib
import os
import shutil

import pytest
from sitebuild import ROOT

from .conftest import open_tab
from .support import h1, record_name, screenshot, search

pytestmark = pytest.mark.browser

README_SHOT = ROOT / "docs" / "assets" / "readme" / "actor-page.png"
SINGH = "actors/rajnath-singh"
BELOUSOV = "actors/andrey-belousov"
MEETING = "meetings/singh-belousov-meeting-2025-06-26"

# The Devanagari face the site declares (docs/assets/stylesheets/fonts.css); the browser must
# resolve it, from a local Noto Sans Devanagari or from the bundled woff2 subset.
FONT_CHECK = """async ([family, text]) => {
    await document.fonts.ready;
    await document.fonts.load(`16px "${family}"`, text);
    return [...document.fonts]
        .filter(f => f.family.replace(/"/g, '') === family)
        .map(f => f.status);
}"""


def native_name_box(tab, lang: str):
    return tab.page.locator(f"article .fs-factbox span[lang='{lang}']").first


def test_screenshots_of_home_actor_meeting_and_search(tab, artifacts):
    tab.goto()
    screenshot(tab, artifacts, "home")

    tab.goto(SINGH)
    assert h1(tab) == record_name(SINGH)
    assert native_name_box(tab, "hi").inner_text() == "राजनाथ सिंह"
    statuses = tab.page.evaluate(FONT_CHECK, ["Factsheets Devanagari", "राजनाथ सिंह"])
    assert "loaded" in statuses, f"the Devanagari font did not load: {statuses}"
    shot = screenshot(tab, artifacts, "actor-page")
    if tab.site.name == "online" and (
        not README_SHOT.exists() or os.environ.get("UPDATE_README_SCREENSHOT") == "1"
    ):
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, README_SHOT)

    tab.goto(BELOUSOV)
    assert native_name_box(tab, "ru").inner_text() == "Андрей Белоусов"
    screenshot(tab, artifacts, "actor-page-cyrillic")

    tab.goto(MEETING)
    assert h1(tab) == record_name(MEETING)
    screenshot(tab, artifacts, "meeting")

    tab.goto()
    search(tab, "Belousov")
    screenshot(tab, artifacts, "search-results")
    tab.assert_clean()


# Count the pixels of a PNG that are not background, decoding it in a separate blank page (so the
# site's request log sees nothing of it).
INK = """async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return {ink, colours: colours.size, pixels: data.length / 4};
}"""


def test_actor_graph_is_drawn(tab, browser, artifacts):
    """The who-met-whom picture on Singh's page is really drawn: a screenshot with ink in it."""
    tab.goto(SINGH)
    figure = tab.page.locator("figure.fs-figure").filter(
        has=tab.page.locator("svg a[href*='andrey-belousov']")
    )
    assert figure.count() == 1, "no who-met-whom figure linking to Andrey Belousov"
    figure.scroll_into_view_if_needed()
    box = figure.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 150, f"figure too small: {box}"
    path = artifacts / f"actor-graph-{tab.site.name}.png"
    png = figure.screenshot(path=str(path))
    decoder = browser.new_page()
    try:
        stats = decoder.evaluate(INK, "data:image/png;base64," + base64.b64encode(png).decode())
    finally:
        decoder.close()
    assert stats["ink"] > stats["pixels"] * 0.01, f"the graph looks blank: {stats}"
    assert stats["colours"] > 8, f"the graph has almost no colours: {stats}"
    tab.assert_clean()


README_PHONE_SHOT = ROOT / "docs" / "assets" / "readme" / "actor-page-phone-dark.png"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
TOPIC = "topics/defence-cooperation"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screenshots_on_a_phone_and_a_desktop_in_light_and_dark(
    browser, online_site, artifacts, screen, scheme
):
    """An actor, a meeting and a topic page as a reader sees them (whole pages); the README shows
    the actor's timeline on a phone in dark mode."""
    opened = contextlib.contextmanager(open_tab)
    with opened(browser, online_site, viewport=SCREENS[screen], color_scheme=scheme) as tab:
        for page in (SINGH, MEETING, TOPIC):
            tab.goto(page)
            assert h1(tab) == record_name(page)
            expected = "slate" if scheme == "dark" else "default"
            assert tab.page.evaluate("document.body.dataset.mdColorScheme") == expected
            name = f"{page.split('/')[0][:-1]}-{screen}-{scheme}"
            target = artifacts / f"{name}.png"
            tab.page.evaluate("document.fonts.ready")
            tab.page.screenshot(path=str(target), full_page=True, animations="disabled")
        if (
            screen == "phone"
            and scheme == "dark"
            and (
                not README_PHONE_SHOT.exists() or os.environ.get("UPDATE_README_SCREENSHOT") == "1"
            )
        ):
            tab.goto(SINGH)
            tab.page.locator("h2#timeline").evaluate("h => h.scrollIntoView()")
            tab.page.evaluate("document.fonts.ready")
            tab.page.screenshot(path=str(README_PHONE_SHOT), animations="disabled", caret="hide")
        tab.assert_clean()
