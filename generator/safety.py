"""The one safety boundary for editor text, in the core: the validator and the renderer share it.

What an editor writes in a Markdown field (`summary`, `note`, `statement`, `reason`, `outcomes`)
is checked on the element tree that Python-Markdown builds with the site's own extensions
(`SITE_EXTENSIONS`, the same list as mkdocs.yml's `markdown_extensions`), never with regular
expressions over the source: what is checked is what an engine renders.

Allowed in editor text: emphasis, lists, tables, definition lists, footnotes, code, quotes,
`[[id]]` links to records and links to absolute `http://`, `https://` or `mailto:` addresses.
Refused, each with its own code: any other link (another scheme, a protocol-relative `//host`,
a relative path, an in-page anchor), an image, an attribute list (`{: …}`, `{#id}`, `{.class}`),
a heading (its id would join the page's ids) and an admonition (its class comes from the text).

Two walls, both here so that the MkDocs plugin and `factsheet generate` hand out equally safe
pages: the validator reports every finding at its line (`findings`), and `Page.md` emits a field
only when the same check, run on exactly the Markdown it emits, finds nothing and the nh3
sanitiser would not change the field's HTML (`is_safe`); otherwise the field is shown as plain
text. The plugin also runs `sanitize` over every generated page's HTML, a third wall for what
templates produce.

Measured before writing this: bleach is deprecated; nh3 (ammonia) is the maintained sanitiser, and
sanitises HTML, not Markdown, so it cannot be the validator's check on its own (it knows no line).
markdown-it-py would give CommonMark's tree, not the one MkDocs and Zensical build.
"""

from __future__ import annotations

import functools
import html
import re
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor
from markdown.treeprocessors import Treeprocessor

# The site's Markdown extensions (mkdocs.yml `markdown_extensions`; a test keeps the two equal).
SITE_EXTENSIONS = (
    "admonition",
    "attr_list",
    "tables",
    "md_in_html",
    "def_list",
    "footnotes",
    "toc",
)
SAFE_SCHEMES = ("http://", "https://", "mailto:")

# What a generated page's body may contain once Markdown is HTML. Anything else is dropped; links
# may only be relative, http(s) or mailto.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "time",
    "kbd",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "*": {
        "class",
        "id",
        "lang",
        "dir",
        "title",
        "hidden",
        "data-search-exclude",
        "role",
        "aria-label",
    },
    "a": {"href"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style"},
    "time": {"datetime"},
}
# A table column's alignment is the only style Markdown writes.
_ALIGN_STYLE = re.compile(r"text-align: (left|right|center);")


@functools.cache
def allowed() -> tuple[set[str], dict[str, set[str]]]:
    """(tags, attributes) a page may hold: the lists above and the static pictures' SVG."""
    from .pictures import SVG_ATTRIBUTES  # pictures -> link -> safety: import it when first used

    return ALLOWED_TAGS | set(SVG_ATTRIBUTES), {**ALLOWED_ATTRIBUTES, **SVG_ATTRIBUTES}


def sanitize(text: str) -> str:
    """Clean HTML with a real sanitiser (ammonia, through nh3): only the tags and attributes above."""
    tags, attributes = allowed()
    # The attribute filter is a call into Python for each attribute nh3 keeps (a page's pictures
    # have thousands) and changes only a style: where no attribute can be one, the HTML is the
    # same without it, in a third less time (measured on 1,519 pages of 10,000 records).
    only_style = {"attribute_filter": _keep_attribute} if _MAYBE_STYLE.search(text) else {}
    return nh3.clean(
        text,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        **only_style,
    )


# An attribute named style, in any case (HTML's names are not case-sensitive), holds the word.
_MAYBE_STYLE = re.compile("style", re.IGNORECASE)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "style":
        return value if _ALIGN_STYLE.fullmatch(value.strip()) else None
    return value


# ---------------------------------------------------------------------------------------------
# Editor text -> the Markdown a page carries


# A code span (Python-Markdown's pre-3.4 rule: a run of backticks closed by the same run, on one
# line) and an autolink or mail autolink (Python-Markdown's own patterns). Raw HTML is escaped
# everywhere else; inside a code span Markdown escapes it itself (escaping it here showed
# `a &amp;&amp; b`). Should this split ever disagree with Python-Markdown, `is_safe` still finds
# the raw HTML in the tree and the field is shown as plain text.
_KEEP = re.compile(
    r"(?<!\\)(`+)[^\n]+?(?<!`)\1(?!`)"
    r"|<[A-Za-z][A-Za-z0-9+.-]*://[^<>\s]*>"
    r"|<[^<> !\n]+@[^@<> \n]+>"
)
INLINE_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
# Stands for a [[id]] link while text is checked: random per run, so no editor can type it.
_RECORD_LINK = f"fs-record-{secrets.token_hex(8)}"


# What Python-Markdown (with tables) unescapes: a backslash before `~`, `^` or `$` would show.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def escape_text(value: Any) -> str:
    """Plain text -> Markdown that shows exactly that text (no HTML, no Markdown syntax)."""
    text = " ".join(str(value).split())
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if (
        text and text[:1] in "-=>"
    ):  # would start a list, a setext underline or a quote at a line start
        text = "\\" + text
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


def escape_html(text: str) -> str:
    """Show raw HTML and entities as typed (`<b>` stays text), outside code spans and autolinks."""
    out, at = [], 0
    for match in _KEEP.finditer(text):
        out.append(text[at : match.start()].replace("&", "&amp;").replace("<", "&lt;"))
        out.append(match.group(0))
        at = match.end()
    out.append(text[at:].replace("&", "&amp;").replace("<", "&lt;"))
    return "".join(out)


def prepare(text: str, link) -> str:
    """Editor Markdown as a page carries it: raw HTML escaped, each [[id]] replaced by `link(id)`."""
    return INLINE_LINK.sub(lambda m: link(m.group(1).strip()), escape_html(text))


def record_ids(text: str) -> list[tuple[str, str]]:
    """(id, the `[[…]]` as written) for every record link in `text`, in order."""
    return [(m.group(1).strip(), m.group(0)) for m in INLINE_LINK.finditer(text)]


def _placeholder(_id: str) -> str:
    return f"[link]({_RECORD_LINK})"


_PLACEHOLDER_LINK = _placeholder("")  # every [[id]] in text being checked


# ---------------------------------------------------------------------------------------------
# The check, on Python-Markdown's tree


@dataclass(frozen=True)
class Finding:
    """One thing editor text may not do: a stable code, what to do, and the text that does it."""

    code: str
    message: str
    snippet: str  # found in the field's text to give the finding its line


class _Recorder(AttrListTreeprocessor):
    """attr_list itself, noting each attribute list it applies (its own parse, not a regex)."""

    def assign_attrs(self, elem: Element, attrs_string: str, *, strict: bool = False) -> str:
        remainder = super().assign_attrs(elem, attrs_string, strict=strict)
        if not (strict and remainder):
            self.md.fs_attribute_lists.append(attrs_string)
        return remainder


class _Capture(Treeprocessor):
    def run(self, root: Element) -> None:
        self.md.fs_tree = root


class _CheckExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.deregister("attr_list")
        md.treeprocessors.register(_Recorder(md), "attr_list", 8)
        md.treeprocessors.register(_Capture(md), "fs_capture", -100)  # after every other one


@functools.cache
def _markdown() -> markdown.Markdown:
    extensions = [e for e in SITE_EXTENSIONS if e != "attr_list"]
    md = markdown.Markdown(
        extensions=[*extensions, AttrListExtension(), _CheckExtension()],
        extension_configs={"toc": {"permalink": True}},
    )
    return md


# Every link, image, attribute list, heading, admonition and raw HTML needs one of these; text
# without them is plain paragraphs (most fields), checked without building a tree.
_MAY_MARK_UP = re.compile(r"[\[<{#]|!!!|^[ \t>]*(=+|-+)[ \t]*$", re.MULTILINE)
# Around a [[id]] link (its placeholder, a link the check allows) also `!` (`![[id]]` would be an
# image) and `\` (an escape next to it): text whose only brackets are its [[id]] links is also
# checked without a tree. tests/test_safety.py checks with hypothesis that whatever this lets
# through, the whole check finds nothing in.
_MAY_MARK_UP_AROUND_LINKS = re.compile(r"[\[<{#!\\]|^[ \t>]*(=+|-+)[ \t]*$", re.MULTILINE)


def _may_mark_up(text: str) -> bool:
    """False only when `text` (prepared) can hold nothing the check refuses."""
    if _PLACEHOLDER_LINK in text:
        return bool(_MAY_MARK_UP_AROUND_LINKS.search(text.replace(_PLACEHOLDER_LINK, "")))
    return bool(_MAY_MARK_UP.search(text))


def _render(text: str) -> tuple[Element, list[str], list[str], str]:
    md = _markdown()
    md.reset()
    md.fs_attribute_lists = []
    md.fs_tree = Element("div")
    output = md.convert(text)
    raw = [
        block
        for block in md.htmlStash.rawHtmlBlocks
        if isinstance(block, str) and not re.fullmatch(r"&#?\w+;", block)
    ]
    return md.fs_tree, md.fs_attribute_lists, raw, output


_FOOTNOTE_CLASSES = {"footnote", "footnote-ref", "footnote-backref"}


def _href_finding(href: str) -> Finding | None:
    href = html.unescape(href.replace(markdown.util.AMP_SUBSTITUTE, "&"))  # mail autolinks
    lowered = href.strip().lower()
    if href == _RECORD_LINK or lowered.startswith(SAFE_SCHEMES):
        return None
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", lowered)
    if scheme:
        return Finding(
            "text.unsafe-link",
            f"a link with the scheme {scheme.group(1)}: is not allowed: links must start with http://, https:// or mailto:, or be [[id]]",
            href,
        )
    if lowered.startswith("//"):
        return Finding(
            "text.unsafe-link",
            f"the protocol-relative link {href!r} is not allowed: write the address in full, starting https://",
            href,
        )
    return Finding(
        "text.local-link",
        f"the link {href!r} is not allowed: link a record with [[id]], or an address starting https://",
        href or "]()",
    )


def _tree_findings(root: Element) -> list[Finding]:
    found: list[Finding] = []
    for element in root.iter():
        tag = element.tag
        classes = set((element.get("class") or "").split())
        if tag == "img":
            src = element.get("src") or ""
            found.append(
                Finding(
                    "text.image",
                    "images are not allowed in text fields (they would load from the network)",
                    src or "![",
                )
            )
        elif tag == "a":
            href = element.get("href") or ""
            is_footnote = classes <= _FOOTNOTE_CLASSES and classes and href.startswith("#fn")
            headerlink = "headerlink" in classes  # toc's own, under a heading reported below
            if not (is_footnote or headerlink):
                finding = _href_finding(href)
                if finding:
                    found.append(finding)
        elif re.fullmatch(r"h[1-6]", tag):
            text = (element.text or "").strip()
            found.append(
                Finding(
                    "text.heading",
                    f"the heading {text!r} is not allowed in a text field: headings are the page's own; use **bold**",
                    text or "#",
                )
            )
        elif tag == "div" and "admonition" in classes:
            found.append(
                Finding(
                    "text.admonition",
                    "an admonition (!!!) is not allowed in a text field: the page lays out notes itself",
                    "!!!",
                )
            )
    return found


def _structure(markup: str) -> list[tuple[str, tuple]]:
    """Every element with its attributes, in order: what the sanitiser may not change."""
    found: list[tuple[str, tuple]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, tuple(sorted((k, html.unescape(v or "")) for k, v in attrs))))

    parser = Collect(convert_charrefs=True)
    parser.feed(markup)
    parser.close()
    return found


@functools.lru_cache(maxsize=1 << 15)
def _check(text: str) -> tuple[Finding, ...]:
    if not _may_mark_up(text):
        return ()
    found = _check_in(text)
    if "{" in text:  # a table cell takes a trailing `{…}` that a paragraph leaves as text
        cell = " ".join(text.split()).replace("|", "\\|")
        found += [f for f in _check_in(f"| |\n|---|\n| {cell} |") if f not in found]
    return tuple(found)


def _check_in(text: str) -> list[Finding]:
    root, attribute_lists, raw, output = _render(text)
    found = [
        Finding(
            "text.attributes",
            f"an attribute list ({{: {attrs.strip()}}}) is not allowed: text fields cannot set ids, classes or attributes (to show a brace, write \\{{)",
            attrs,
        )
        for attrs in attribute_lists
    ]
    found += _tree_findings(root)
    found += [
        Finding("text.html", "raw HTML is not allowed in text fields", block[:40]) for block in raw
    ]
    if not found and _structure(sanitize(output)) != _structure(output):
        found.append(Finding("text.html", "the sanitiser would change this text's HTML", ""))
    return found


def findings(text: str) -> list[Finding]:
    """What the validator reports for one Markdown field: checked as the page will carry it."""
    return list(_check(prepare(text, _placeholder)))


def is_safe(text: str) -> bool:
    """May `Page.md` emit this field as Markdown? (The second wall: the same check, and nh3.)"""
    return not _check(prepare(text, _placeholder))
