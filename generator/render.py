"""Views -> Markdown pages through templates/*.md.j2, plus the data files the site publishes.

`views.py` computes what each page shows (one typed view a page, with the records it read); the
templates only lay it out and receive their view (`view`) and the page helper (`page`), never the
whole set of facts. Every text an
editor wrote passes through `Page.text` (plain text) or `Page.md` (Markdown field) which escape raw
HTML, so nothing an editor writes is ever executed, whatever engine builds the Markdown.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.filters
import jinja2.runtime
from markupsafe import Markup

from . import feeds, history_view, ical, passthrough, safety
from .changes import _code as code_span
from .dates import date_range, human_date
from .export import json_schemas, record_pieces, to_csv, to_json
from .history import History
from .link import INLINE_LINK, Facts
from .model import (
    ACTOR_KINDS,
    MEETING_KINDS,
    PARTICIPANT_ROLES,
    SOURCE_KINDS,
    STANCES,
    STATUSES,
)
from .safety import escape_text
from .views import (
    TYPE_TITLES,
    Dependencies,
    Index,
    RecordView,
    Site,
    View,
    html_url,
    page_path,
    page_paths,
    view_of,
)
from .words import plural

# ---------------------------------------------------------------------------------------------
# Text helpers


# Kept as written in a link target; anything else is percent-encoded. `|` would end a table
# cell, a backslash escape the closing `>`, a backtick open a code span, `<>"` and spaces never
# pass the validator. `&` becomes `&amp;`, so an address holding `&amp;` keeps it, not decoded.
_URL_SAFE = "-._~:/?#@!$'()*+,;=%&[]"


def link_target(address: str) -> str:
    """A web address as a Markdown `<…>` link target: the reader follows exactly `address`
    (with what Markdown cannot carry percent-encoded, as a browser would send it)."""
    return urllib.parse.quote(address, safe=_URL_SAFE).replace("&", "&amp;")


def stance_label(stance: str) -> str:
    """'refused-to-endorse' -> 'refused to endorse': the vocabulary term as a reader reads it."""
    return stance.replace("-", " ")


# ---------------------------------------------------------------------------------------------
# Per-page helper handed to templates


@dataclass
class Citations:
    """Numbers sources in the order a page first cites them."""

    order: list[str] = field(default_factory=list)

    def number(self, source_id: str) -> int:
        if source_id not in self.order:
            self.order.append(source_id)
        return self.order.index(source_id) + 1


class Page:
    """What a template may call: links, escaped text, Markdown fields, citation marks.

    Links and names come from the page's view: a record the view did not read cannot be shown.
    What a method returns is finished Markdown, marked so (`Markup`): the environment's
    `finalize` prints it as it is; `name` returns plain text, which it escapes.

    Inside `{% call page.html() %}…{% endcall %}` (a table the template writes as HTML) the
    same methods, `finalize` and `join` give finished HTML instead: text HTML-escaped, links
    as `<a href>` to the target's URL (`views.html_url`). Python-Markdown passes such a block
    through unchanged (the plugin holds it out of the conversion: generator/passthrough.py),
    so the page's HTML is what the Markdown table made, for a fraction of the conversion."""

    def __init__(self, view: View, html_url: Any = None):
        self.view = view
        self.path = view.path
        self.citations = Citations()
        self.in_html = False
        self._html_url = html_url  # None: the Markdown link's target (views.View.url)

    def html(self, caller: Any) -> Markup:
        """The body of a `{% call page.html() %}` block, written with HTML escaping."""
        if self.in_html:
            raise RuntimeError(f"{self.path}: page.html() blocks do not nest")
        self.in_html = True
        try:
            return Markup(passthrough.mark(str(caller()).strip("\n")))
        finally:
            self.in_html = False

    # links ------------------------------------------------------------------------------------
    def url(self, id_: str) -> Markup:
        if self.in_html:
            url = self._html_url or self.view.url
            return Markup(html.escape(url(id_), quote=True))
        return Markup(self.view.url(id_))

    def name(self, id_: str) -> str:
        return self.view.name(id_)

    def link(self, id_: str | None, label: str | None = None) -> Markup:
        if not id_:
            return Markup()
        if not self.view.exists(id_):
            return self.text(id_)
        if self.in_html:
            return Markup(f'<a href="{self.url(id_)}">{self.text(label or self.name(id_))}</a>')
        return Markup(f"[{self.text(label or self.name(id_))}]({self.url(id_)})")

    def href(self, address: str) -> Markup:
        """A web address as a Markdown link target `<…>` that leads to exactly that address;
        inside a `page.html()` block, as an `href` attribute's value."""
        if self.in_html:
            quoted = urllib.parse.quote(address, safe=_URL_SAFE)
            return Markup(html.escape(quoted, quote=False).replace('"', "&quot;"))
        return Markup(link_target(address))

    # text -------------------------------------------------------------------------------------
    def text(self, value: Any) -> Markup:
        if value is None:
            return Markup()
        if self.in_html:
            return Markup(escape_html_text(value))
        return Markup(escape_text(value))

    def md(self, value: str | None) -> Markup:
        """A Markdown field: raw HTML shown as text, [[id]] turned into links.

        The field goes out as Markdown only when the safety check finds nothing in it (the
        validator has reported whatever it found); otherwise it is shown as plain text."""
        if self.in_html:
            raise RuntimeError(f"{self.path}: a Markdown field cannot go in a page.html() block")
        if not value:
            return Markup()
        if not safety.is_safe(value):
            return self.text(value)
        return Markup(safety.prepare(value, self.link))

    def md_inline(self, value: str | None) -> Markup:
        """A Markdown field on one line (table cell, list item)."""
        return Markup(" ".join(str(self.md(value)).split()))

    def contested(self, record: Any, field: str) -> Markup:
        """A pointer to 'Where sources disagree' when sources disagree on `field`."""
        for d in getattr(record, "disagreements", []):
            if d.field == field or d.field.startswith(field + "."):
                if self.in_html:
                    return Markup(
                        ' <em>(sources disagree: <a href="#disagreements">see below</a>)</em>'
                    )
                return Markup(" *(sources disagree: [see below](#disagreements))*")
        return Markup()

    def disputed(self, value: str) -> Markup:
        """Another source's version of a field: a record's name, a date as read, or the text."""
        if self.view.exists(value):
            return self.link(value)
        try:
            return self.text(human_date(value))
        except ValueError:
            return self.text(value)

    # citations --------------------------------------------------------------------------------
    def cite(self, ids: list[str] | None) -> Markup:
        if not ids:
            return Markup()
        numbers = map(self.citations.number, ids)
        if self.in_html:
            return Markup(" " + "".join(f'<a href="#cite-{n}">[{n}]</a>' for n in numbers))
        marks = "".join(f"[\\[{n}\\]](#cite-{n})" for n in numbers)
        return Markup(" " + marks)

    def cited_sources(self) -> list[tuple[int, str]]:
        return [(n + 1, source_id) for n, source_id in enumerate(self.citations.order)]


# ---------------------------------------------------------------------------------------------
# JSON-LD


def plain(text: str, view: View) -> str:
    """A Markdown field as plain text for metadata: [[id]] becomes the record's name."""
    return INLINE_LINK.sub(
        lambda m: view.name(m.group(1).strip()) if view.exists(m.group(1).strip()) else m.group(1),
        text,
    )


def _jsonld(view: RecordView) -> dict[str, Any]:
    record = view.this
    data: Any = record.data
    name = view.name(record.id)
    if record.type == "actors":
        kind = {"person": "Person", "organisation": "Organization", "state": "Country"}[data.kind]
        out: dict[str, Any] = {"@type": kind, "name": name}
        if data.native_names or data.aliases:
            out["alternateName"] = list(data.native_names.values()) + list(data.aliases)
        if data.summary:
            out["description"] = plain(data.summary, view)
        if "wikidata" in data.identifiers:
            out["sameAs"] = f"https://www.wikidata.org/wiki/{data.identifiers['wikidata']}"
        if data.country and data.kind == "person":
            out["nationality"] = {
                "@type": "Country",
                "name": view.name(data.country),
            }
    elif record.type == "places":
        out = {"@type": "Place", "name": name}
        if data.located_in:
            out["containedInPlace"] = {
                "@type": "Place",
                "name": view.name(data.located_in),
            }
    elif record.type == "meetings":
        out = {"@type": "Event", "name": name, "startDate": data.date}
        if data.end_date:
            out["endDate"] = data.end_date
        if data.place:
            out["location"] = {"@type": "Place", "name": view.name(data.place)}
        if data.summary:
            out["description"] = plain(data.summary, view)
        out["attendee"] = [
            {
                "@type": {"person": "Person", "state": "Country"}.get(
                    view.data(p.actor).kind, "Organization"
                ),
                "name": view.name(p.actor),
            }
            for p in data.participants
        ]
        if data.part_of:
            out["superEvent"] = {"@type": "Event", "name": view.name(data.part_of)}
    elif record.type == "positions":
        out = {"@type": "Claim", "name": name, "text": plain(data.statement, view)}
        if data.date:
            out["datePublished"] = data.date
    elif record.type == "topics":
        out = {"@type": "DefinedTerm", "name": name}
        if data.summary:
            out["description"] = plain(data.summary, view)
    else:
        out = {
            "@type": "NewsArticle" if data.kind in ("news", "agency") else "CreativeWork",
            "headline": name,
        }
        if data.publisher:
            out["publisher"] = {"@type": "Organization", "name": data.publisher}
        if data.published:
            out["datePublished"] = data.published
        if data.url:
            out["url"] = data.url
    if record.type != "sources":
        out["citation"] = [view.name(s) for s in data.cite]
    return {"@context": "https://schema.org", **out}


def script_safe_json(value: Any) -> str:
    """JSON that cannot break out of a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ---------------------------------------------------------------------------------------------
# Rendering


def escape_html_text(value: Any) -> str:
    """Plain text -> HTML that shows exactly that text, its whitespace made single spaces (as
    `escape_text` gives Markdown)."""
    return html.escape(" ".join(str(value).split()), quote=False)


@jinja2.pass_context
def finalize_in(context: Any, value: Any) -> Markup:
    """`finalize`, or inside a `page.html()` block its HTML form."""
    page = context.get("page")
    if page is not None and page.in_html:
        return finalize(value, escape_html_text)
    return finalize(value)


def finalize(value: Any, escape: Any = escape_text) -> Markup:
    """What every `{{ … }}` prints: a value marked finished Markdown (`Markup`: what `page.*`,
    the filters below, macros and pictures return) as it is, any other as plain text
    (`escape_text`), so a template that forgets to escape a value cannot open a hole.

    Spaces at either end are kept (a literal such as `" and "` spaces its neighbours, `"    "`
    indents a list); the text between is escaped, its whitespace made single spaces."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    core = text.strip(" ")
    if not core:
        return Markup(text)
    lead, trail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")) :]
    return Markup(lead + escape(core) + trail)


@jinja2.pass_context
def join(context: Any, items: Any, separator: str = "") -> Markup:
    """Jinja's `join`, keeping finished Markdown: each item and the separator pass `finalize`."""
    return Markup(
        str(finalize_in(context, separator)).join(finalize_in(context, item) for item in items)
    )


def attribute(value: Any) -> Markup:
    """A value inside a raw HTML attribute (`lang="…"`): HTML-escaped, quotes included."""
    return Markup(html.escape(str(value), quote=True))


@jinja2.pass_context
def code_block(context: Any, value: str) -> Markup:
    """Text as an indented code block: shown exactly, Markdown and HTML inert. Inside a
    `page.html()` block, the `<pre><code>` Python-Markdown makes of that block."""
    page = context.get("page")
    if page is not None and page.in_html:
        return Markup(f"<pre><code>{html.escape(str(value).rstrip(), quote=False)}\n</code></pre>")
    return Markup(jinja2.filters.do_indent(str(value), 4, first=True))


class _MarkdownMacro(jinja2.runtime.Macro):
    """A macro (and a `{% call %}` body): its output is finished Markdown, each value in it
    having passed `finalize`; so `{{ m.footer(…) }}` prints it as it is."""

    @jinja2.pass_eval_context
    def __call__(self, *args: Any, **kwargs: Any) -> Markup:
        return Markup(super().__call__(*args, **kwargs))


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's compiler, making each macro a `_MarkdownMacro` (with autoescape off, Jinja's own
    macros return plain strings, which `finalize` would escape a second time)."""

    def macro_def(self, macro_ref: Any, frame: Any) -> None:
        self.write("environment.markdown_macro(")
        super().macro_def(macro_ref, frame)
        self.write(")")


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator

    @staticmethod
    def markdown_macro(macro: jinja2.runtime.Macro) -> jinja2.runtime.Macro:
        macro.__class__ = _MarkdownMacro  # the same macro, its output marked finished Markdown
        return macro


def make_environment(
    templates: Path, bytecode: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The templates' environment. Autoescape is off (the output is Markdown, not HTML); instead
    `finalize` escapes every printed value not marked finished Markdown. `bytecode`: where the
    compiled templates are kept between builds (Jinja checks them against the sources)."""
    env = _Environment(
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=finalize_in,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",  # `{#` would collide with Markdown's `{ #id }`
        comment_end_string="##}",
    )
    # Plain text out (finalize escapes it): date, stance. Finished Markdown out: the others.
    env.filters["date"] = human_date
    env.filters["stance"] = stance_label
    env.filters["link"] = jinja2.pass_context(lambda ctx, value: ctx["page"].link(value))
    env.filters["text"] = jinja2.pass_context(lambda ctx, value: ctx["page"].text(value))
    env.filters["line"] = jinja2.pass_context(  # a history line (generator/history_view.py)
        lambda ctx, value: Markup(history_view.as_markdown(value, ctx["page"]))
    )
    env.filters["join"] = join
    env.filters["code"] = lambda value: Markup(code_span(value))  # `id`, `content/…/x.yml`
    env.filters["code_block"] = code_block
    env.filters["attr"] = attribute
    # %-encoded: letters, digits, `-._~/` and `%XX` only, safe in a link target
    env.filters["urlencode"] = lambda value: Markup(jinja2.filters.do_urlencode(value))
    env.globals.update(
        date_range=date_range,
        plural=plural,
        TYPE_TITLES=TYPE_TITLES,
        ACTOR_KINDS=ACTOR_KINDS,
        MEETING_KINDS=MEETING_KINDS,
        PARTICIPANT_ROLES=PARTICIPANT_ROLES,
        STANCES=STANCES,
        STATUSES=STATUSES,
        SOURCE_KINDS=SOURCE_KINDS,
    )
    return env


def front_matter(title: str, *, jsonld: dict | None = None, extra: dict | None = None) -> str:
    """YAML front matter (written as JSON, a YAML subset): the escaped title MkDocs shows."""
    lines = ["---", f"title: {json.dumps(html.escape(title, quote=False))}"]
    if jsonld is not None:
        lines.append(f"jsonld: {json.dumps(script_safe_json(jsonld))}")
    for key, value in (extra or {}).items():
        lines.append(f"{key}: {json.dumps(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


class Renderer:
    """Writes a view as a Markdown page through its template."""

    def __init__(self, templates: Path, bytecode: jinja2.BytecodeCache | None = None):
        self.env = make_environment(templates, bytecode)

    def page(self, view: View, site: Site | None = None) -> str:
        """The Markdown page (front matter and body) of a view."""
        page = Page(view, html_url(view, site) if site is not None else None)
        body = self.env.get_template(_template(view)).render(page=page, view=view)
        if not isinstance(view, RecordView):
            return front_matter(view.title) + body
        follow = view.follow
        matter = front_matter(
            view.title,
            jsonld=_jsonld(view),
            extra={"feed": follow["path"], "feed_title": html.escape(view.title)}
            if follow
            else None,
        )
        return matter + body


def _template(view: View) -> str:
    if isinstance(view, RecordView):
        return f"{view.this.type[:-1]}.md.j2"
    if view.path == "index.md":
        return "home.md.j2"
    if view.path == feeds.CHANGES_PAGE:
        return "changes.md.j2"
    return f"index_{view.path.split('/')[0]}.md.j2"


def render_pages(
    facts: Facts,
    templates: Path | Renderer,
    site: Site,
    paths: list[str] | None = None,
) -> tuple[dict[str, str], dict[str, Dependencies]]:
    """Render the pages at `paths` (every page by default). Return (pages, what each depends on).

    `templates`: their folder, or a Renderer already made from it (its compiled templates)."""
    renderer = templates if isinstance(templates, Renderer) else Renderer(templates)
    index = Index.build(facts)
    pages: dict[str, str] = {}
    depends: dict[str, Dependencies] = {}
    for path in page_paths(facts) if paths is None else paths:
        view = view_of(index, path, site)
        pages[path] = renderer.page(view, site)
        depends[path] = view.depends
    return pages, depends


def data_files(facts: Facts, memo: Any = None) -> dict[str, bytes]:
    """The data the site publishes: every record as JSON and CSV, the JSON Schema of each type.
    `memo`: an incremental build's records' rows (incremental.Near)."""
    pieces = record_pieces(facts, memo)  # once for both forms: dumping is the cost
    assets: dict[str, bytes] = {"data/facts.json": to_json(facts, pieces).encode()}
    for name, text in to_csv(facts, pieces).items():
        assets[f"data/{name}"] = text.encode()
    for type_, text in json_schemas().items():
        assets[f"schema/{type_}.schema.json"] = text.encode()
    return assets


def render_site(
    facts: Facts,
    templates: Path,
    *,
    edit_url: str | None = None,
    updated: dict[str, str] | None = None,
    history: History | None = None,
    publication: feeds.Publication | None = None,
    content_path: str = "content",
    source_links: bool = False,
) -> tuple[dict[str, str], dict[str, bytes], dict[str, Dependencies]]:
    """Render every page, data file, feed and calendar. Return (pages, assets, dependencies).

    `content_path`, `source_links`: see views.Site."""
    site = Site(edit_url or None, updated or {}, history, publication, content_path, source_links)
    pages, depends = render_pages(facts, templates, site)
    return pages, {**data_files(facts), **follow_files(facts, history, publication)}, depends


def follow_files(
    facts: Facts,
    history: History | None,
    publication: feeds.Publication | None = None,
    memo: feeds.Serialised | None = None,
) -> dict[str, bytes]:
    """The Atom feeds and iCalendar files (feeds/…): what a reader subscribes to. With `memo`
    (kept by an incremental build), a feed or an event whose input is as in the last build is
    not serialised again."""
    history = history or history_view.no_history()
    publication = publication or feeds.Publication()
    memo = memo or feeds.Serialised()
    memo.roll()
    index = Index.build(facts)
    return {
        **feeds.render_feeds(facts, index, history, publication, memo),
        **ical.render_calendars(facts, index, history, publication, memo),
    }


def redirect_map(facts: Facts) -> dict[str, str]:
    """Old page -> new page for every renamed record (mkdocs-redirects' `redirect_maps`)."""
    return {
        page_path(facts.records[new].type, old): page_path(facts.records[new].type, new)
        for old, new in sorted(facts.renamed.items())
    }
