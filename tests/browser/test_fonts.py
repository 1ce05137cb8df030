"""Native-script names show as glyphs, not boxes, even on a machine with no Devanagari font:
the site ships the Noto Sans Devanagari subset (docs/assets/fonts/) and must load it, online
and from file:// in the bundle."""

from __future__ import annotations

import pytest

from .support import h1, record_name, screenshot

pytestmark = pytest.mark.browser

SINGH = "actors/rajnath-singh"
BELOUSOV = "actors/andrey-belousov"

# Draw two different letters, each on its own canvas, in `font`: real glyphs differ, while a
# font that lacks them draws the same .notdef box for both.
DISTINCT_GLYPHS = """async ([font, a, b]) => {
    await document.fonts.ready;
    await document.fonts.load(font, a + b);
    const draw = (text) => {
        const canvas = document.createElement('canvas');
        canvas.width = 120; canvas.height = 120;
        const g = canvas.getContext('2d');
        g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
        g.fillText(text, 10, 10);
        return canvas.toDataURL();
    };
    return draw(a) !== draw(b);
}"""
RA, JA = "\u0930", "\u091c"  # र, ज


def test_devanagari_comes_from_the_shipped_font_on_a_bare_machine(bare_tab, artifacts):
    tab = bare_tab
    tab.goto(SINGH)
    assert h1(tab) == record_name(SINGH)
    # the machine really has no Devanagari font: DejaVu Sans (and any fallback) draws boxes
    assert not tab.page.evaluate(DISTINCT_GLYPHS, ['48px "DejaVu Sans"', RA, JA]), (
        "this browser still finds a Devanagari font on the machine: the test proves nothing"
    )
    # the site's font draws real letters, fetched from the site's own files
    assert tab.page.evaluate(DISTINCT_GLYPHS, ['48px "Factsheets Devanagari"', RA, JA])
    fonts = [u for u in tab.requests if "devanagari" in u and u.endswith(".woff2")]
    assert fonts, "the Devanagari woff2 was not loaded from the site"
    assert all(tab.site.is_local(u) for u in fonts)
    statuses = tab.page.evaluate(
        "() => [...document.fonts]"
        ".filter(f => f.family.includes('Devanagari') && f.weight == '400').map(f => f.status)"
    )
    assert statuses == ["loaded"], statuses
    screenshot(tab, artifacts, "actor-page-no-system-devanagari")

    tab.goto(BELOUSOV)  # Cyrillic comes from the system fonts (DejaVu, Liberation, …)
    assert tab.page.evaluate(DISTINCT_GLYPHS, ["48px sans-serif", "\u0411", "\u0414"])  # Б, Д
    tab.assert_clean()
