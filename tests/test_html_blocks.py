"""Tables, lists and code the templates write as HTML (`{% call page.html() %}`): the HTML
Python-Markdown made of the same thing written in Markdown, text escaped as HTML, held out of the
conversion.

Checked on real records through the real environment (`render.make_environment`) and the real
pages: the same cells written once as a Markdown table and once as a `page.html()` block give
the same HTML after Python-Markdown with the site's extensions, and so do web addresses, code
blocks and history lines' code in both forms; editor text with Markdown and HTML in it is shown
as typed in the shipped templates' tables; the plugin's `Held` takes the blocks out of a page,
puts them back as they were and hands MkDocs their ids.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
import yaml

from generator.changes import _code, code_html
from generator.passthrough import OPEN, Held, unmarked
from generator.pipeline import build, check
from generator.render import Page, make_environment
from generator.safety import SITE_EXTENSIONS
from generator.views import Index, Site, html_url, view_of

ROOT = Path(__file__).resolve().parent.parent
ACTOR = "actors/rajnath-singh"
PAYLOAD = 'A*B_C [x] <b>bold</b> & "q" `c` -x'

CELLS = (
    "{{ page.link(id) }}",
    "{{ page.text(name) }}",
    "{{ page.cite(cites) | trim }}",
    "{{ name }}",
    "{{ [id, id] | map('link') | join(', ') }}",
    "{{ '↳ ' }}{{ page.link(id) }}",
    "{{ page.link(None) }}",
)


def _convert(text: str) -> str:
    html = markdown.markdown(text, extensions=list(SITE_EXTENSIONS))
    return re.sub(r"\n+", "\n", html)


def _rename(content: Path, name: str) -> None:
    path = content / f"{ACTOR}.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["name"] = name
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def actor_view(valid_content):
    _rename(valid_content, PAYLOAD)
    facts = check(valid_content).facts
    site = Site()
    return view_of(Index.build(facts), f"{ACTOR}.md", site), site


def test_a_table_written_as_html_is_the_markdown_tables_html(actor_view, tmp_path):
    view, site = actor_view
    cites = [s for s in view.records if view.records[s] and view.records[s].type == "sources"]
    assert cites, "the fixture actor cites a source"
    markdown_table = (
        "| "
        + " | ".join(f"H{n}" for n in range(len(CELLS)))
        + " |\n"
        + "|---" * len(CELLS)
        + "|\n"
        + "| "
        + " | ".join(c.replace("| trim ", "") for c in CELLS)
        + " |\n"
    )
    html_table = (
        "{% call page.html() %}\n<table>\n<thead>\n<tr>\n"
        + "".join(f"<th>H{n}</th>\n" for n in range(len(CELLS)))
        + "</tr>\n</thead>\n<tbody>\n<tr>\n"
        + "".join(f"<td>{c}</td>\n" for c in CELLS)
        + "</tr>\n</tbody>\n</table>\n{% endcall %}\n"
    )
    (tmp_path / "md.md.j2").write_text(markdown_table, encoding="utf-8")
    (tmp_path / "html.md.j2").write_text(html_table, encoding="utf-8")
    env = make_environment(tmp_path)
    values = dict(view=view, id=view.this.id, name=PAYLOAD, cites=cites[:2])
    as_markdown = env.get_template("md.md.j2").render(page=Page(view), **values)
    as_html = env.get_template("html.md.j2").render(page=Page(view, html_url(view, site)), **values)
    assert as_html.startswith(OPEN + "\n<table>\n")  # marked, for the plugin to hold
    assert "[" + PAYLOAD.split()[0] not in as_html  # no Markdown link syntax left in it
    converted = _convert(unmarked(as_html))
    # MkDocs turns the Markdown links to `x.md` into the pages' URLs, as html_url gives them
    to_url = html_url(view, site)
    urls = {view.url(i): to_url(i) for i, r in view.records.items() if r is not None}
    assert converted == re.sub(
        r'href="([^"#]+)"',
        lambda m: f'href="{urls.get(m.group(1), m.group(1))}"',
        _convert(as_markdown),
    )
    # the payload is text: no bold, no code, no link made of it; `&` and quotes shown
    assert "<b>" not in converted and "<code>" not in converted
    assert "A*B_C [x] &lt;b&gt;bold&lt;/b&gt; &amp;" in converted


def test_editor_text_in_the_shipped_tables_is_shown_as_typed(valid_content):
    _rename(valid_content, PAYLOAD)
    built = build(valid_content, ROOT / "templates")
    assert not [p for p in built.problems if p.is_error]
    tables = [
        (path, t)
        for path, page in built.pages.items()
        for t in re.findall(r"^<table>\n.*?\n</table>$", page, re.M | re.S)
        if f'{ACTOR}/"' in t  # a link to the actor's page (a source's address may hold its id)
    ]
    assert tables, "pages list the renamed actor in an HTML table"
    for path, table in tables:
        assert "&lt;b&gt;bold&lt;/b&gt;" in table, path
        assert "<b>" not in table and "\\*" not in table, path  # HTML escapes, not Markdown's


def test_a_markdown_field_cannot_go_in_an_html_block(actor_view, tmp_path):
    view, site = actor_view
    (tmp_path / "t.md.j2").write_text(
        "{% call page.html() %}<table>{{ page.md('*x*') }}</table>{% endcall %}", "utf-8"
    )
    env = make_environment(tmp_path)
    with pytest.raises(RuntimeError, match="Markdown field"):
        env.get_template("t.md.j2").render(page=Page(view, html_url(view, site)), view=view)


def test_the_plugin_holds_tables_out_of_the_conversion_and_restores_them(valid_content):
    built = build(valid_content, ROOT / "templates")
    page = built.pages["meetings/index.md"].split("\n---\n", 1)[1]
    assert page.count("\n<table>\n") >= 1
    held = Held()
    without = held.hold("meetings/index.md", page)
    assert "<table>" not in without  # Python-Markdown never sees them
    md = markdown.Markdown(extensions=list(SITE_EXTENSIONS))
    anchors: set[str] = set()
    restored = held.restore("meetings/index.md", md.convert(without), anchors)
    assert re.sub(r"\n+", "\n", restored) == _convert(unmarked(page))
    assert OPEN not in restored


def test_held_ids_are_handed_to_mkdocs_anchor_check(valid_content):
    built = build(valid_content, ROOT / "templates")
    path, page = next(
        (p, m) for p, m in built.pages.items() if 'id="cite-2"' in m and "](#cite-2)" in m
    )
    held = Held()
    without = held.hold(path, page)
    assert 'id="cite-2"' not in without  # the sources list is held
    anchors: set[str] = set()
    held.restore(path, markdown.markdown(without), anchors)
    assert {"cite-1", "cite-2"} <= anchors


ADDRESSES = (
    "https://example.org/a?b=1&c=2",
    'https://example.org/it\'s (here)/"q"',
    "https://пример.рф/путь?q=два слова#frag",
    "https://example.org/<b>%20x",
)
CODE = "line <b>one</b> & \"two\"\n    indented\n'three'  \n"
VALUES = ("x", " spaced  out ", "a`b", "`edge`", "<b>&", ["l", 1], {"k": "v"}, "", None, 3)


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_web_address_in_an_html_link_is_the_markdown_links(actor_view, tmp_path, address):
    view, site = actor_view
    (tmp_path / "md.md.j2").write_text("[archived copy](<{{ page.href(a) }}>)\n", "utf-8")
    (tmp_path / "html.md.j2").write_text(
        '{% call page.html() %}<p><a href="{{ page.href(a) }}">archived copy</a></p>{% endcall %}\n',
        "utf-8",
    )
    env = make_environment(tmp_path)
    md = env.get_template("md.md.j2").render(page=Page(view), a=address)
    as_html = env.get_template("html.md.j2").render(
        page=Page(view, html_url(view, site)), a=address
    )
    assert _convert(unmarked(as_html)) == _convert(md)


def test_a_code_block_in_html_is_the_markdown_code_blocks(actor_view, tmp_path):
    view, site = actor_view
    (tmp_path / "md.md.j2").write_text("{{ c | code_block }}\n", "utf-8")
    (tmp_path / "html.md.j2").write_text(
        "{% call page.html() %}{{ c | code_block }}{% endcall %}\n", "utf-8"
    )
    env = make_environment(tmp_path)
    md = env.get_template("md.md.j2").render(page=Page(view), c=CODE)
    as_html = env.get_template("html.md.j2").render(page=Page(view, html_url(view, site)), c=CODE)
    assert "<pre><code>" in as_html
    assert _convert(unmarked(as_html)) == _convert(md)


@pytest.mark.parametrize("value", VALUES)
def test_a_history_lines_code_in_html_is_the_markdown_spans(value):
    assert _convert(f"<p>{code_html(value)}</p>") == _convert(_code(value))


def test_generate_writes_the_blocks_in_place_without_the_marks(valid_content, tmp_path):
    built = build(valid_content, ROOT / "templates")
    built.write(tmp_path / "docs")
    written = (tmp_path / "docs" / "meetings" / "index.md").read_text(encoding="utf-8")
    assert "\n<table>\n" in written and "fs-html" not in written
    assert written == unmarked(built.pages["meetings/index.md"])
    assert "fs-html" in built.pages["meetings/index.md"]  # what the plugin is handed is marked
