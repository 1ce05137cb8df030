"""Raw HTML kept away from Python-Markdown, which would pass it through unchanged: the pictures,
and the tables the templates write as HTML (`{% call page.html() %}`, generator/render.py).

A generated page's pictures (`<figure class="fs-figure">…</figure>`, two SVGs each: wide and
narrow) are raw HTML blocks: Python-Markdown parses them with its HTML parser, stores them and
writes them back verbatim. At 1,000 synthetic records they are 58% of the generated Markdown's
bytes, and that parse was 19% of the time of converting every page (3.5 s of 18.8 s of CPU,
measured with the site's extensions). So the plugin hands MkDocs each page with a placeholder
comment where a picture is (`hold`) and puts the picture back into the converted body (`restore`)
before the sanitiser sees it: the HTML is byte for byte what the conversion made of it. The
tables written as HTML are held the same way; written as Markdown tables they were most of the
rest of the conversion.
`factsheet generate` writes the pictures in place (other engines get plain Markdown).

Written here: Python-Markdown has no switch to skip a block, and its htmlStash is filled by
its own preprocessor (the parse this avoids).
"""

from __future__ import annotations

import re
import secrets

# the pictures, and the tables the templates write as HTML (`page.html()` blocks: editor text
# cannot open a raw `<table>` at a line's start, it is escaped)
HELD = re.compile(
    r'^(?:<figure class="fs-figure".*?</figure>|<table>\n.*?\n</table>)$', re.M | re.S
)


class Held:
    """The pictures and HTML tables taken out of the pages of one build, by page."""

    def __init__(self) -> None:
        # a placeholder no record can spell (editor text has no raw HTML, and this differs
        # from run to run): <!--factsheets-figure-NONCE-N-->
        self.mark = f"factsheets-figure-{secrets.token_hex(8)}"
        self.pages: dict[str, list[str]] = {}
        self.pattern = re.compile(rf"<!--{self.mark}-(\d+)-->")

    def hold(self, page: str, markdown: str) -> str:
        figures: list[str] = []

        def take(match: re.Match) -> str:
            figures.append(match.group(0))
            return f"<!--{self.mark}-{len(figures) - 1}-->"

        held = HELD.sub(take, markdown)
        if figures:
            self.pages[page] = figures
        return held

    def restore(self, page: str, html: str) -> str:
        figures = self.pages.pop(page, None)
        if not figures:
            return html
        restored = self.pattern.sub(lambda m: figures[int(m.group(1))], html)
        missing = len(figures) - len(self.pattern.findall(html))
        assert missing == 0, f"{page}: {missing} picture placeholder(s) lost in conversion"
        return restored
