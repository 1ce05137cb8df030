"""A source's address on its page (a real `mkdocs build --strict`): the link a reader follows is
exactly the address the record holds, with only what Markdown cannot carry percent-encoded, and
the text shown is the address as written; `|` does not split the table cell."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import VALID
from .sitebuild import mkdocs_build, prepare

ADDRESSES = {  # as the record holds it -> the href a browser follows
    "pipe-and-entity": (
        "https://example.org/a|b?x=1&amp;y=2&z=3",
        "https://example.org/a%7Cb?x=1&amp;y=2&z=3",
    ),
    "backticks": ("https://example.org/`code`/x`y", "https://example.org/%60code%60/x%60y"),
    "backslash": ("https://example.org/path\\", "https://example.org/path%5C"),
    "markdown-ish": (
        "https://example.org/*a*_b_[c](d){:#x}~^",
        "https://example.org/*a*_b_[c](d)%7B:#x%7D~%5E",
    ),
}


class Address(HTMLParser):
    """The factbox's Address row: its cells, and the link's href and text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.href: str | None = None
        self.link_text = ""
        self._row: list[str] | None = None
        self._in_cell = self._in_link = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._row.append("")
            self._in_cell = True
        elif tag == "a" and "fs-bare-url" in (attrs.get("class") or ""):
            self.href, self._in_link = attrs.get("href"), True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False
        elif tag == "a":
            self._in_link = False
        elif tag == "tr" and self._row is not None:
            if self._row and self._row[0].strip() == "Address":
                self.cells = self._row
            self._row = None

    def handle_data(self, data):
        if self._in_cell and self._row:
            self._row[-1] += data
        if self._in_link:
            self.link_text += data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = prepare(tmp_path_factory.mktemp("urls") / "project", VALID)
    for name, (address, _) in ADDRESSES.items():
        quoted = address.replace("'", "''")
        (workdir / "content" / "sources" / f"{name}.yml").write_text(
            f"title: Report {name}\nkind: news\nurl: '{quoted}'\n", "utf-8"
        )
    result = mkdocs_build(workdir)
    assert result.returncode == 0, result.stderr
    return workdir / "site"


@pytest.mark.parametrize("name", sorted(ADDRESSES))
def test_the_link_leads_to_the_address_the_record_holds(site: Path, name: str) -> None:
    address, href = ADDRESSES[name]
    page = Address((site / "sources" / name / "index.html").read_text("utf-8"))
    assert page.href == href
    assert page.link_text == address
    assert len(page.cells) == 2 and page.cells[1].strip() == address  # one cell, not split
