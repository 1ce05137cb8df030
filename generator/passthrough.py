"""Raw HTML kept away from Python-Markdown, which would pass it through unchanged: the pictures,
and what the templates write as HTML (`{% call page.html() %}`, generator/render.py: the fact
boxes, tables, lists, the sources, the history, "Cite this page").

A generated page's pictures (`<figure class="fs-figure">…</figure>`, two SVGs each: wide and
narrow) are raw HTML blocks: Python-Markdown parses them with its HTML parser, stores them and
writes them back verbatim. At 1,000 synthetic records they are 58% of the generated Markdown's
bytes, and that parse was 19% of the time of converting every page (3.5 s of 18.8 s of CPU,
measured with the site's extensions). So the plugin hands MkDocs each page with a placeholder
comment where a picture is (`hold`) and puts the picture back into the converted body (`restore`)
before the sanitiser sees it: the HTML is byte for byte what the conversion made of it. What
the templates write as HTML is held the same way: written as Markdown it was most of the rest
of the conversion (the actors index alone, a list, was 0.63 s of it at 10,000 records; the
fact box, a two-column table atop each record page, 30% of the rest: 2.14 s -> 1.49 s over 608
pages of the 10,000-record site, Python-Markdown with the site's extensions). Its ids
(`<span id="cite-1">`) are handed to MkDocs' anchor check, which found them in raw HTML itself.
`factsheet generate` writes the pictures and the blocks in place, unmarked (other engines get
plain Markdown with raw HTML).

Written here: Python-Markdown has no switch to skip a block, and its htmlStash is filled by
its own preprocessor (the parse this avoids).
"""

from __future__ import annotations

import re
import secrets

# What a `page.html()` block writes is marked (`mark`): the plugin holds it whole, whatever its
# elements (tables, lists, paragraphs, code); editor text cannot spell a mark at a line's start,
# its `<` is escaped.
OPEN, CLOSE = "<!--fs-html-->", "<!--/fs-html-->"
HELD = re.compile(
    rf'^(?:(<figure class="fs-figure".*?</figure>)|{OPEN}\n(.*?)\n{CLOSE})$', re.M | re.S
)
_MARKS = re.compile(rf"^(?:{OPEN}|{CLOSE})(?:\n|\Z)", re.M)


_IDS = re.compile(r'<[A-Za-z][^<>]*?\sid="([^"]*)"')


def mark(block: str) -> str:
    """A `page.html()` block's HTML, marked for the plugin to hold."""
    return f"{OPEN}\n{block}\n{CLOSE}"


def unmarked(markdown: str) -> str:
    """A page without the marks: what `factsheet generate` writes (any engine reads the HTML)."""
    return _MARKS.sub("", markdown) if OPEN in markdown else markdown


class Held:
    """The pictures and `page.html()` blocks taken out of the pages of one build, by page."""

    def __init__(self) -> None:
        # a placeholder no record can spell (editor text has no raw HTML, and this differs
        # from run to run): <!--factsheets-figure-NONCE-N-->
        self.mark = f"factsheets-figure-{secrets.token_hex(8)}"
        self.pages: dict[str, list[str]] = {}
        self.pattern = re.compile(rf"<!--{self.mark}-(\d+)-->")

    def hold(self, page: str, markdown: str) -> str:
        figures: list[str] = []

        def take(match: re.Match) -> str:
            figures.append(match.group(1) or match.group(2))
            return f"<!--{self.mark}-{len(figures) - 1}-->"

        held = HELD.sub(take, markdown)
        if figures:
            self.pages[page] = figures
        return held

    def restore(self, page: str, html: str, anchors: set[str] | None = None) -> str:
        """The converted body with the held HTML back in place. `anchors`: MkDocs' set of the
        page's ids (`present_anchor_ids`, which its anchor check reads), given the held HTML's
        ids as MkDocs would have found them in raw HTML (`<span id="cite-1">`)."""
        figures = self.pages.pop(page, None)
        if not figures:
            return html
        if anchors is not None:
            anchors.update(id_ for block in figures for id_ in _IDS.findall(block))
        restored = self.pattern.sub(lambda m: figures[int(m.group(1))], html)
        missing = len(figures) - len(self.pattern.findall(html))
        assert missing == 0, f"{page}: {missing} picture placeholder(s) lost in conversion"
        return restored
