"""The safety boundary (generator/safety.py): the sanitiser, the check on Python-Markdown's tree,
and the render-time wall in Page.md, each on payloads only it stops."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import safety
from generator.pipeline import check
from generator.render import Page
from generator.safety import SITE_EXTENSIONS, _placeholder, findings, is_safe, prepare, sanitize

ROOT = Path(__file__).resolve().parent.parent


class Elements(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.found}

    def attributes(self) -> set[str]:
        return {name for _, attrs in self.found for name in attrs}

    def hrefs(self) -> list[str]:
        return [a.get("href") or "" for tag, a in self.found if tag == "a"]


def site_markdown(text: str) -> str:
    """Markdown to HTML as the site renders it (the extensions of mkdocs.yml)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    return markdown.markdown(text, extensions=names)


def test_the_check_knows_every_extension_the_site_enables():
    """Drift: an extension added to mkdocs.yml must be one the check parses with too."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    assert tuple(names) == SITE_EXTENSIONS


@pytest.mark.parametrize(
    "text, codes",
    [
        # footnotes: a footnote whose text reads like an address; without them, a link to it
        ("A claim[^1].\n\n[^1]: javascript:alert(1)", set()),
        ("A claim[x][1].\n\n[1]: javascript:alert(1)", {"text.unsafe-link"}),
        # attr_list: an attribute on the paragraph; without it, plain text
        ("Para\n{: hidden }", {"text.attributes"}),
        # admonition: a box with a class from the text; without it, a paragraph of !!!
        ('!!! md-header "x"\n    y', {"text.admonition"}),
        # def_list and tables: structure, no markup an editor may not write
        ("Term\n: its [definition](https://example.org)", set()),
        ("| a |\n|---|\n| [x](javascript:alert(1)) |", {"text.unsafe-link"}),
    ],
)
def test_the_check_reads_text_as_the_site_renders_it(text, codes):
    """What the site's Markdown (mkdocs.yml's extensions, read here) makes of a text is what
    the check judges: markup the site would render is found, text it would show is not."""
    rendered = Elements(site_markdown(text))
    unsafe = any(h.startswith("javascript") for h in rendered.hrefs())
    marked = bool(rendered.attributes() - {"href", "id", "class", "title"}) or any(
        "md-header" in (a.get("class") or "") for _, a in rendered.found
    )
    assert bool(codes) == (unsafe or marked)  # the payload means in the site what it says
    assert {f.code for f in findings(text)} == codes


# ---------------------------------------------------------------------------------------------
# The sanitiser (nh3): payloads that only it stops, handed to it as HTML


@pytest.mark.parametrize(
    "payload, gone",
    [
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ("<p>x</p><script>alert(1)</script>", "script"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', "ascript"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ("<svg><script>alert(1)</script></svg>", "script"),
        ('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>', "javascript"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<td style="background:url(javascript:alert(1))">x</td>', "style"),
        ('<img src="https://tracker.example/p.png">', "img"),
        ("<style>body{display:none}</style>", "style"),
        ('<form action="https://evil.example"><input name="q"></form>', "form"),
    ],
)
def test_the_sanitiser_removes_what_no_page_may_carry(payload, gone):
    cleaned = sanitize(payload)
    assert gone not in cleaned.lower()
    found = Elements(cleaned)
    assert not {"script", "iframe", "img", "style", "form", "input"} & found.tags()
    assert not any(name.startswith("on") for name in found.attributes())


def test_the_sanitiser_keeps_what_markdown_writes():
    text = site_markdown(
        "**b** *i* `c` [l](https://example.org)\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        "Text[^1]\n\n[^1]: A note."
    )
    assert Elements(sanitize(text)).found == Elements(text).found


# ---------------------------------------------------------------------------------------------
# The check on the tree


@pytest.mark.parametrize(
    "text, code",
    [
        ("[x](javascript:alert(1))", "text.unsafe-link"),
        ("[x](JaVaScRiPt:alert(1))", "text.unsafe-link"),
        ("[x][r]\n\n[r]: javascript:alert(1)", "text.unsafe-link"),
        ("<ftp://example.org/x>", "text.unsafe-link"),
        ("[x](//evil.example/x)", "text.unsafe-link"),
        ('[r](https://ok){: href="javascript:alert(1)"}', "text.attributes"),
        ("Para\n{: #__search }", "text.attributes"),
        ("Para\n{: hidden }", "text.attributes"),
        ("*em*{: .md-header }", "text.attributes"),
        ("In a table cell it would apply {: hidden }", "text.attributes"),
        ("![map](https://example.org/m.png)", "text.image"),
        ("![map][m]\n\n[m]: https://example.org/m.png", "text.image"),
        ("[x](other.md)", "text.local-link"),
        ("[x](#participants)", "text.local-link"),
        ("## Search", "text.heading"),
        ("Title\n=====", "text.heading"),
        ('!!! md-header "x"\n    y', "text.admonition"),
    ],
)
def test_the_check_finds_each_kind(text, code):
    assert code in {f.code for f in findings(text)}
    assert not is_safe(text)


@pytest.mark.parametrize(
    "text",
    [
        "Plain text, with: colons; and a `code span`.",
        "Reuters: the minister said so. Sources: two.",
        "A claim[^1].\n\n[^1]: Reuters: the minister said the talks went well.",
        "[the report](https://example.org/a?b=1&c=2) and [mail](mailto:desk@example.org)",
        "<https://example.org/report> and <desk@example.org>",
        "See [[rajnath-singh]] and [[india]].",
        "`a && b` and `<b>` in code",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "Term\n: its definition",
        "<script>alert(1)</script> is shown as text",
    ],
)
def test_the_check_accepts_what_editors_may_write(text):
    assert findings(text) == []
    assert is_safe(text)


# Pieces of Markdown that build (or come close to building) what the check refuses, around
# [[id]] links: the pre-check must send every text that might hold one to the whole check.
PIECES = [
    *"[]()!<>{}#=-*_\\`&:|^~.\"' \t\n",
    "[[india]]",
    "[[x]]",
    "[link]",
    "!!!",
    "---",
    "===",
    "    ",
    "- ",
    "1. ",
    "> ",
    "https://e.org/i.png",
    "javascript:alert(1)",
    "//evil.example",
    "#a",
    ": ",
    "| a |",
    "\n\n",
    "word",
    "{: hidden }",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
@example("![[india]]")  # the link's placeholder made an image
@example("\\[[india]] and [[x]]")
@example("[[india]]\n---")
@example("A [[india]]{: hidden }")
def test_the_pre_check_never_skips_what_the_whole_check_refuses(text):
    """`_check` skips the Markdown tree for text that can hold no link, image, attribute list,
    heading, admonition or HTML: whatever it skips, the tree finds nothing in either."""
    prepared = prepare(text, _placeholder)
    if not safety._may_mark_up(prepared):
        assert safety._check_in(prepared) == [], text
        if "{" in prepared:
            cell = " ".join(prepared.split()).replace("|", "\\|")
            assert safety._check_in(f"| |\n|---|\n| {cell} |") == [], text


def test_plain_text_with_record_links_is_checked_without_a_tree(monkeypatch):
    """The pre-check does skip the tree for prose whose only brackets are [[id]] links (the
    common case, 10,000 of them in an import), and sends the rest to the tree."""
    built: list[str] = []
    monkeypatch.setattr(safety, "_check_in", lambda text: built.append(text) or [])
    safety._check.cache_clear()
    try:
        findings("[[india]] received [[china]] for talks (the second round); agreed: nothing.")
        assert built == []
        findings("![[india]] received [[china]]")
        assert len(built) == 1
    finally:
        safety._check.cache_clear()  # no result of the stand-in stays cached


# ---------------------------------------------------------------------------------------------
# The render-time wall: Page.md on text the validator never saw


def _page() -> Page:
    """A page whose view holds no records (the payloads here link none)."""
    return Page(SimpleNamespace(path="topics/t.md"))


@pytest.mark.parametrize(
    "payload",
    [
        '[r](https://ok){: href="javascript:alert(1)"}',
        '[r](https://ok){: onclick="alert(1)" }',
        "Para\n{: #__search .md-header hidden }",
        "[x](javascript:alert(1))",
        "<script>alert(1)</script><img src=x onerror=alert(1)>",
        "`x`<img src=x onerror=alert(1)>`y`",
        "![i](https://tracker.example/p.png)",
    ],
)
def test_page_md_never_emits_markup_from_an_unsafe_field(payload):
    out = site_markdown(_page().md(payload))
    found = Elements(out)
    assert found.tags() <= {"p", "code", "a", "em"}, out
    assert found.attributes() <= {"href"}, out
    assert all(h.startswith("https://") for h in found.hrefs()), out


def test_inline_code_is_escaped_once():
    out = site_markdown(_page().md("Run `a && b < c` & <b>see</b>."))
    found = Elements(out)
    codes = [tag for tag, _ in found.found if tag == "code"]
    assert codes == ["code"]
    assert "a && b < c" in found.text  # the reader sees what the editor wrote, once escaped
    assert "<b>see</b>" in found.text and "&amp;" not in found.text
    assert "b" not in found.tags()


def test_footnote_text_with_a_colon_validates(valid_content):
    topics = sorted((valid_content / "topics").glob("*.yml"))
    record = yaml.safe_load(topics[0].read_text(encoding="utf-8"))
    record["note"] = "A claim[^1].\n\n[^1]: Reuters: the minister said the talks went well."
    topics[0].write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    checked = check(valid_content)
    assert [p for p in checked.problems if p.is_error] == []
