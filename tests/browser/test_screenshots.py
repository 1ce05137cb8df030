"""Screenshots of what a reader sees (saved under artifacts/screenshots/, git-ignored), and the
native-script names drawn with a real font.

The README's picture, docs/assets/readme/actor-page.png, is copied from the online actor page
screenshot when it is missing, or when UPDATE_README_SCREENSHOT=1 (so that `make test` does not
rewrite a committed file on every run)."""

from __future__ import annotations

import os
import shutil

import pytest
from sitebuild import ROOT

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
