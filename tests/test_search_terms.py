"""The hidden, diacritic-folded name variants land where Material's search indexes them."""

from __future__ import annotations

from generator.render import with_search_terms


def test_variants_go_before_the_first_section_heading():
    body = (
        "# Café\n\nSummary.\n\n## Posts { #posts }\n\ntext\n\n"
        "## Sources { #sources data-search-exclude }\n"
    )
    out = with_search_terms(body, ["Cafe", "a < b & c"])
    head, rest = out.split("## Posts", 1)
    assert '<p class="fs-search-terms" hidden>Cafe a &lt; b &amp; c</p>' in head
    assert "fs-search-terms" not in rest
    assert head.startswith("# Café\n\nSummary.\n\n<p") and head.endswith("</p>\n\n")


def test_page_without_sections_gets_them_at_the_end():
    out = with_search_terms("# Café\n\nSummary.\n", ["Cafe"])
    assert out == '# Café\n\nSummary.\n\n<p class="fs-search-terms" hidden>Cafe</p>\n\n'


def test_nothing_to_add():
    assert with_search_terms("# Plain\n\n## A\n", []) == "# Plain\n\n## A\n"
