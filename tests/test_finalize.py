"""The templates' one escape: every printed value not marked finished Markdown is escaped.

Autoescape is off (the pages are Markdown), so the environment's `finalize` escapes as Markdown
whatever a template prints without `page.*` or a filter; what those return is marked finished
(`Markup`) and printed once, not escaped again. Checked on real records through the real
templates, and on the HTML that Python-Markdown makes of the page with the site's extensions.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml

from generator.pipeline import build
from generator.safety import SITE_EXTENSIONS

ROOT = Path(__file__).resolve().parent.parent
ACTOR = "actors/rajnath-singh"
# Raw HTML, an event handler, a javascript: link, emphasis, a code span and an attribute list.
PAYLOAD = "Dr <img src=x onerror=alert(1)> [click](javascript:alert(1)) *b* `c` {: #x }"


class _Html(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text_of: dict[str, list[str]] = {}
        self.cells: list[str] = []  # each table cell's text
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)
        if tag == "td":
            self.cells.append("")

    def handle_endtag(self, tag):
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data):
        for tag in set(self._open):
            self.text_of.setdefault(tag, []).append(data)
        if "td" in self._open:
            self.cells[-1] += data

    def text(self, tag: str) -> str:
        return " ".join("".join(self.text_of.get(tag, [])).split())


def _html(page: str) -> _Html:
    body = page.split("\n---\n", 1)[1]  # after the front matter
    return _Html(markdown.markdown(body, extensions=list(SITE_EXTENSIONS)))


def _rename(content: Path, name: str, **fields) -> None:
    path = content / f"{ACTOR}.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record.update(name=name, **fields)
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def _page(content: Path, templates: Path) -> str:
    built = build(content, templates)
    assert [p for p in built.problems if p.is_error] == []
    return built.pages[f"{ACTOR}.md"]


def test_a_value_printed_without_any_filter_is_escaped(valid_content, tmp_path):
    """A template that forgets `page.text` prints the same page: finalize escapes the name."""
    _rename(valid_content, PAYLOAD)
    forgetful = shutil.copytree(ROOT / "templates", tmp_path / "templates")
    actor = forgetful / "actor.md.j2"
    source = actor.read_text(encoding="utf-8")
    assert "# {{ page.text(view.title) }}\n" in source
    actor.write_text(source.replace("{{ page.text(view.title) }}", "{{ view.title }}"), "utf-8")

    page = _page(valid_content, forgetful)
    assert page == _page(valid_content, ROOT / "templates")
    heading = next(line for line in page.splitlines() if line.startswith("# "))
    html = _Html(markdown.markdown(heading, extensions=list(SITE_EXTENSIONS)))
    assert html.text("h1") == " ".join(PAYLOAD.split())  # shown as typed, nothing applied
    assert [tag for tag, _ in html.tags] == ["h1"]  # no image, link, emphasis, code, id
    assert html.tags[0][1] == {"id": html.tags[0][1]["id"]}  # toc's id, no attribute list's


def test_macros_and_filters_print_finished_markdown_once(valid_content):
    """Text escaped by `page.text` inside a macro, or joined by `join`, is not escaped again."""
    name, aliases = "A*B_C [x] <b>", ["x*y_z", "<i>q</i>"]
    _rename(valid_content, name, aliases=aliases)
    html = _html(_page(valid_content, ROOT / "templates"))
    assert html.text("h1") == name
    assert f"Follow {name}: Atom feed of changes" in html.text("div")  # _macros.md.j2 footer
    assert ", ".join(aliases) in html.cells  # map("text") | join(", ")
    assert not any(tag in ("b", "i") for tag, _ in html.tags)
