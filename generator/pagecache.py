"""What MkDocs made of each generated page, so an unchanged page is not converted nor themed again.

Python-Markdown's conversion, the theme's templates and the search plugin's parsing are nine
tenths of a build. A generated page whose Markdown is the same as last time, built with the same
settings (`stamp`: mkdocs.yml, overrides/, docs/, the environment it reads), gives the same HTML:
for such a page the plugin hands MkDocs what it made last time, through MkDocs' own events —

* `on_pre_page`: the page's `read_source` and `render` are replaced by ones that restore the
  meta data, HTML body, table of contents, title and anchors of last time (so links and anchors
  into it are still checked by MkDocs); its Markdown is left empty (its title is in its meta
  data), and the body the other plugins' `on_page_content` see is the final one of last time;
* `on_page_content`: the body after every plugin's hook, as last time;
* the theme template is one that prints last time's output (`CACHED_TEMPLATE`);
* the search plugin's entries for the page are those of last time (Material's `SearchIndex`;
  with another search plugin, or none, the page is indexed as usual).

Pages that changed go through MkDocs as usual and are remembered for the next build. What is
remembered becomes the cache only once a build has succeeded (`commit`). Nothing here decides
which pages changed: the Markdown does (see generator/incremental.py).

Written here: MkDocs' `--dirty` skips by file modification time and treats every generated file
as modified, and mkdocs-material's (insiders') cache plugins cache other plugins' network work,
not pages.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

CACHED_TEMPLATE = "factsheets-cached-page.html"
CACHED_TEMPLATE_SOURCE = "{{ page.factsheets_output }}"
ENVIRONMENT = ("OFFLINE", "FACTSHEETS_EDIT_URL", "SOURCE_DATE_EPOCH")


def add_cached_template(env: Any) -> None:
    """Let the theme's Jinja environment find the template that prints a reused page."""
    env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({CACHED_TEMPLATE: CACHED_TEMPLATE_SOURCE}), env.loader]
    )


def _digest(*parts: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part + b"\0")
    return digest.hexdigest()


def site_stamp(config: Any) -> str:
    """A digest of what a page's HTML depends on besides its own Markdown."""
    root = Path(config.config_file_path or ".").resolve().parent
    parts = [Path(config.config_file_path).read_bytes() if config.config_file_path else b""]
    for folder in (config.theme.custom_dir, config.docs_dir):
        base = Path(folder) if folder else None
        if base is None or not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            parts += [str(path.relative_to(root)).encode(), path.read_bytes()]
    parts += [f"{name}={os.environ.get(name, '')}".encode() for name in ENVIRONMENT]
    parts += [str(config.site_url).encode(), str(config.use_directory_urls).encode()]
    return _digest(*parts)


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def _unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8") if data else ""


class Made:
    """One generated page as MkDocs made it.

    Kept for every page, in memory across `mkdocs serve` rebuilds and pickled into the build
    cache, so it is kept small: the Markdown handed to MkDocs only as its digest (all a rebuild
    compares), the texts compressed (zlib level 1: at 10,000 records the themed pages alone are
    about 500 MB, and held plain they doubled the peak memory of a build and the cache's size)."""

    __slots__ = ("digest", "_texts", "meta", "toc", "title", "anchors", "links", "search")
    TEXTS = ("content", "output")

    def __init__(self, digest: bytes):
        self.digest = digest  # of the Markdown handed to MkDocs (front matter too): source_digest
        # content: the HTML body after every plugin's on_page_content; output: the page as
        # written (the Markdown and the body before the hooks are not kept: a third of the
        # texts, and compressing them was half a second of a cold build at 10,000 records)
        self._texts: dict[str, bytes] = {}
        self.meta: dict = {}
        self.toc: Any = None
        self.title: str | None = None
        self.anchors: set[str] = set()
        self.links: dict[str, dict[str, str]] = {}  # linked page -> anchors
        self.search: list[dict] | None = None  # the search plugin's entries for it

    def get(self, name: str) -> str:
        return _unpack(self._texts.get(name, b""))

    def put(self, name: str, text: str) -> None:
        assert name in self.TEXTS
        self._texts[name] = _pack(text)

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state):
        for name, value in state.items():
            setattr(self, name, value)


class _Output:
    """A reused page's output, unpacked only when the theme prints it (then written, dropped)."""

    def __init__(self, made: Made):
        self.made = made

    def __str__(self) -> str:
        return self.made.get("output")

    __html__ = __str__


class Body:
    """A page's HTML body as MkDocs keeps it, packed in its Made until the theme prints it.

    MkDocs converts every page before it writes any, so each body stays in memory to the end
    of a build: at 10,000 records about 150 MB of str, held here compressed instead (the Made
    holds them anyway). It is what the theme asks of `page.content`: to print it (`__html__`)
    and whether it holds an `<h1` (Material's content partial)."""

    __slots__ = ("made", "h1", "empty")

    def __init__(self, made: Made, html: str):
        self.made, self.h1, self.empty = made, "<h1" in html, not html

    def __str__(self) -> str:
        return self.made.get("content")

    __html__ = __str__

    def __contains__(self, text: str) -> bool:
        return self.h1 if text == "<h1" else text in str(self)

    def __bool__(self) -> bool:
        return not self.empty


def _restore(page: Any, made: Made, files: Any) -> None:
    page.toc = made.toc
    page._title_from_render = made.title
    page.present_anchor_ids = set(made.anchors)
    by_uri = files.src_uris  # the uris are File.src_uri (POSIX) already: no PurePath for each
    page.links_to_anchors = {
        target: dict(anchors)
        for uri, anchors in made.links.items()
        if (target := by_uri.get(uri)) is not None
    }


def source_digest(source: str | bytes) -> bytes:
    """Of a page's Markdown, as text or as the UTF-8 the plugin hands MkDocs."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return hashlib.blake2b(data, digest_size=20).digest()


@dataclass
class PageCache:
    stamp: str = ""
    made: dict[str, Made] = field(default_factory=dict)  # src_uri -> as the last good build
    building: dict[str, Made] = field(default_factory=dict)  # … as this build makes them
    reused: dict[str, Made] = field(default_factory=dict)  # pages this build takes from `made`
    last_reused: int = 0  # how many pages the last good build took from the cache
    # src_uri -> (the Markdown, its digest), this build's and the last: an unchanged page's
    # Markdown is the very string of last time (generator/incremental.py), not digested again
    digests: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    last_digests: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def __getstate__(self) -> dict:
        # as kept between builds (generator/buildcache.py): what a build holds while it runs,
        # and the pages of the build before the last, are not
        return {**self.__dict__, "building": {}, "reused": {}, "last_digests": {}}

    def digest(self, src: str, source: str | bytes) -> bytes:
        seen = self.digests.get(src) or self.last_digests.get(src)
        if seen is None or seen[0] is not source:
            seen = (source, source_digest(source))
        self.digests[src] = seen
        return seen[1]

    def begin(self, stamp: str) -> None:
        if stamp != self.stamp:
            self.made = {}
        self.stamp = stamp
        self.building, self.reused = {}, {}
        self.last_digests, self.digests = self.digests, {}

    def pre_page(self, page: Any, files: Any) -> None:
        """Remember a generated page; when it is as last time, restore instead of rebuilding."""
        src = page.file.src_uri
        source = page.file.content_bytes  # the very bytes handed to MkDocs: digested once
        made = self.made.get(src)
        digest = self.digest(src, source)
        if made is None or made.digest != digest:
            self.building[src] = Made(digest)
            return
        self.reused[src] = self.building[src] = made

        def read_source(config: Any) -> None:
            page.markdown = ""  # the title is in the meta data (MkDocs' Page.title)
            page.meta = {**made.meta, "template": CACHED_TEMPLATE}

        def render(config: Any, files_: Any) -> None:
            page.content = made.get("content")
            _restore(page, made, files)

        page.read_source, page.render = read_source, render
        page.factsheets_output = _Output(made)

    def unchanged(self, src: str, source: str | bytes) -> Made | None:
        """What the last good build made of the page, if its Markdown is the same."""
        made = self.made.get(src)
        return made if made is not None and made.digest == self.digest(src, source) else None

    def keep(self, page: Any, files: Any) -> None:
        """A page MkDocs skips (`--dirty`, its output kept): what links and anchors into it and
        out of it, its title and table of contents are as last time, for MkDocs' checks."""
        made = self.made[page.file.src_uri]
        self.reused[page.file.src_uri] = self.building[page.file.src_uri] = made
        page.meta = dict(made.meta)
        _restore(page, made, files)

    def content(self, page: Any, html: str | None) -> str | None:
        """Last time's body for a reused page; with `html`, remember the body of another.
        `packed(page)` is then the body to hand MkDocs."""
        src = page.file.src_uri
        if src in self.reused:
            return self.reused[src].get("content")
        made = self.building.get(src)
        if made is not None and html is not None:
            made.meta = dict(page.meta)
            made.put("content", html)
            made.toc, made.title = page.toc, page._title_from_render
            made.anchors = set(page.present_anchor_ids or ())
            made.links = {
                target.src_uri: dict(anchors)
                for target, anchors in (page.links_to_anchors or {}).items()
            }
        return None

    def packed(self, page: Any, html: str) -> Body | str:
        """The body just remembered, as a `Body`; the page's Markdown, converted, is let go
        (its title is in its meta data, which MkDocs' Page.title reads first)."""
        made = self.building.get(page.file.src_uri)
        if made is None or "title" not in page.meta:
            return html
        page.markdown = ""
        return Body(made, html)

    def post_page(self, page: Any, output: str) -> None:
        made = self.building.get(page.file.src_uri)
        if made is not None and page.file.src_uri not in self.reused:
            made.put("output", output)

    def wrap_search(self, plugin: Any) -> None:
        """Give Material's search index last time's entries for reused pages."""
        index = getattr(plugin, "search_index", None)
        original = getattr(index, "add_entry_from_context", None)
        if (
            index is None
            or original is None
            or not isinstance(getattr(index, "entries", None), list)
        ):
            return

        def add_entry_from_context(page: Any) -> None:
            src = page.file.src_uri
            made = self.reused.get(src)
            if made is not None and made.search is not None:
                index.entries.extend(dict(entry) for entry in made.search)
                return
            before = len(index.entries)
            original(page)
            if src in self.building:
                self.building[src].search = [dict(entry) for entry in index.entries[before:]]

        index.add_entry_from_context = add_entry_from_context

    def commit(self) -> None:
        """The build succeeded: what it made is the cache for the next one."""
        self.last_reused = len(self.reused)
        self.made, self.building, self.reused = self.building, {}, {}

    def begin_some(self) -> None:
        """A quick rebuild (generator/preview.py) starts: some pages converted again, the rest
        as the last build made them (and as this cache still holds them)."""
        self.building, self.reused = {}, {}

    def breaks_others(self, sources: list[str], files: Any) -> str | None:
        """Why the pages just converted again (`sources`) would leave another page stale, or
        None: an anchor gone that a page not converted again links to (a full build warns)."""
        changed = set(sources)
        lost: dict[str, set[str]] = {}
        for src in sources:
            old, new = self.made.get(src), self.building.get(src)
            if old is None or new is None:
                return f"{src} was not converted as last time"
            if old.anchors - new.anchors:
                lost[src] = old.anchors - new.anchors
        if not lost:
            return None
        links = {src: made.links for src, made in self.made.items() if src not in changed}
        for file in files.documentation_pages():
            if file.src_uri not in links and file.src_uri not in changed and file.page:
                anchors = file.page.links_to_anchors or {}
                links[file.src_uri] = {target.src_uri: a for target, a in anchors.items()}
        for src, targets in links.items():
            for target, anchors in targets.items():
                if lost.get(target, set()) & anchors.keys():
                    return f"{src} links to an anchor of {target} that is gone"
        return None

    def commit_some(self) -> None:
        """The quick rebuild succeeded: its pages replace theirs in the cache."""
        self.last_reused = len(self.made) - len(self.building)
        self.made.update(self.building)
        self.building, self.reused = {}, {}
