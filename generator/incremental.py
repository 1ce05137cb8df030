"""Incremental builds that never go stale: re-render only the pages whose dependencies changed.

The state of the last good build is kept (in memory across `mkdocs serve` rebuilds; on disk in
`.cache/` between `make site` runs, see `generator/buildcache.py`): every file's load and validate
result (`FileCache`), the facts, every page's Markdown and what each page depends on (its view's
`Dependencies`, see `generator/views.py`). On the next build:

1. only files whose bytes changed are parsed and validated again; references are resolved over
   the whole set, as in a clean build;
2. the records that changed are those whose data, file or "last updated" date differ, plus those
   added and removed; the referrer lists that changed are those of every id a changed record
   named before or names now (by field); the types that changed are those that gained or lost a
   record;
3. a page is rendered again when it read a changed record, listed a changed referrer list or
   listed a changed type; new records' pages are rendered, removed records' pages dropped. Data
   files, the redirect map and the search index are always made whole.

A change of the templates, of the site settings (edit link) or of the git history (a commit:
every record page shows its history) renders everything again. The
equivalence test (tests/test_incremental.py) checks that, after any sequence of edits, the result
is byte for byte the result of a clean build.

Written here, not taken from a library: doit, pydoit-style task graphs and SCons track files, not
the records a page reads inside one process; MkDocs' own `--dirty` skips only files whose mtime
changed and treats every generated page as modified.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .feeds import Serialised
from .filecache import FileCache
from .link import Facts
from .model import iter_refs
from .render import Renderer, data_files, follow_files, render_pages
from .validate import TypedRecord
from .views import Dependencies, Site, page_path, page_paths, source_file


def fingerprint(*folders: Path) -> str:
    """A digest of every file's name and bytes under the folders (templates, overrides, code)."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in folders:
        folder = Path(folder)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _references(record: TypedRecord, facts: Facts) -> frozenset[tuple[str, tuple]]:
    """(target, field) for every id a record names: a change to these is a change of lists."""
    out = {
        (target, tuple(p for p in loc if not isinstance(p, int)))
        for loc, target, _ in iter_refs(record.data)
    }
    out |= {(target, ("[[]]",)) for target in facts.inline_links.get(record.id, ())}
    return frozenset(out)


@dataclass(frozen=True)
class Changes:
    """What differs between two sets of facts, in the terms a page's dependencies use."""

    records: frozenset[str]
    referrers: frozenset[str]
    types: frozenset[str]
    pages: frozenset[str]  # record pages whose "last updated" date changed (only they show it)

    def touch(self, path: str, depends: Dependencies) -> bool:
        return bool(
            path in self.pages
            or depends.records & self.records
            or depends.referrers & self.referrers
            or depends.types & self.types
        )


def _same_data(old: TypedRecord, new: TypedRecord) -> bool:
    """The same fields, in the same order: pydantic's == ignores the order of a mapping's keys
    (native names, identifiers), which pages and data files keep. Asked only of records whose
    file changed (an unchanged file gives the very record of last time, see FileCache)."""
    if old.data != new.data:
        return False
    dump = lambda r: json.dumps(r.data.model_dump(mode="json"), ensure_ascii=False)  # noqa: E731
    return dump(old) == dump(new)


def changes(before: Facts, after: Facts, site_before: Site, site_after: Site) -> Changes:
    records: set[str] = set()
    referrers: set[str] = set()
    types: set[str] = set()
    pages: set[str] = set()
    # a commit changes a record's "last updated": compared record by record only when the two
    # maps differ (each record's file name is a join and a normpath: 0.56 s of a profiled
    # serve rebuild at 10,000 records, for an edit that commits nothing)
    if (
        site_before.content_path != site_after.content_path
        or site_before.updated != site_after.updated
    ):
        for id_, record in after.records.items():
            before_file = source_file(site_before, record)
            after_file = source_file(site_after, record)
            if site_before.updated.get(before_file) != site_after.updated.get(after_file):
                pages.add(page_path(record.type, id_))
    for id_ in before.records.keys() | after.records.keys():
        old, new = before.records.get(id_), after.records.get(id_)
        if old is new:
            continue
        if old is not None and new is not None:
            if (
                old.type == new.type
                and old.path == new.path
                and _same_data(old, new)
                and before.inline_links.get(id_) == after.inline_links.get(id_)
            ):
                continue
        records.add(id_)
        named_before = _references(old, before) if old is not None else frozenset()
        named_now = _references(new, after) if new is not None else frozenset()
        referrers |= {target for target, _ in named_before ^ named_now}
        if old is None or new is None or old.type != new.type:
            types |= {r.type for r in (old, new) if r is not None}
    return Changes(frozenset(records), frozenset(referrers), frozenset(types), frozenset(pages))


NAMED_BY = (("holder",), ("topic",))  # a position's name is made of these records' names


def touched(before: Facts, after: Facts, changed: frozenset[str]) -> set[str]:
    """The records whose own outputs may differ when `changed` did: each of them, the records
    each names and the records naming each, in either build. A position is named after its
    holder and topic, so a position of a changed holder or topic counts as changed itself."""
    names = set(changed)
    for facts in (before, after):
        for id_ in list(names):
            for ref in facts.backrefs.get(id_, ()):
                source = facts.records.get(ref.source)
                if source is not None and source.type == "positions" and ref.path[:1] in NAMED_BY:
                    names.add(ref.source)
    out = set(names)
    for facts in (before, after):
        for id_ in names:
            out.update(ref.source for ref in facts.backrefs.get(id_, ()))
            record = facts.records.get(id_)
            if record is not None:
                out.update(target for _, target, _ in iter_refs(record.data))
                out.update(facts.inline_links.get(id_, ()))
    return out


class Near:
    """Outputs of one record each (its JSON document, its search entry, its row of the data
    files), kept across builds. Each reads only its record and the ids, types and names of the
    records it names and that name it, so it is as last time unless the record is `touched`:
    then, or when nothing is known of the last build, it is made again."""

    def __init__(self) -> None:
        self.last: dict[tuple, Any] = {}
        self.now: dict[tuple, Any] = {}
        self.touched: set[str] | None = None  # None: reuse nothing
        self.kept = 0

    def __getstate__(self) -> dict:
        # as kept between builds (generator/buildcache.py): the last build's outputs only
        return {**self.__dict__, "last": {}}

    def begin(self, touched_ids: set[str] | None) -> None:
        self.last = self.now if touched_ids is not None else {}
        self.now, self.touched = {}, touched_ids
        self.kept = 0  # how many outputs this build took from the last

    def get(self, kind: Any, id_: str, make: Any) -> Any:
        key = (kind, id_)
        if self.touched is not None and id_ not in self.touched:
            value = self.last.get(key)
            if value is not None:
                self.now[key] = value
                self.kept += 1
                return value
        value = self.now[key] = make()
        return value


def encode_pages(pages: dict[str, str | bytes]) -> None:
    """The pages' Markdown as UTF-8, in place (the dict is also the state's `last.pages`).

    A page's Markdown holds characters beyond Latin-1 (an em dash in every footer), so Python
    keeps it at two bytes a character: about 270 MB at 10,000 records, held to the end of each
    build and across builds. As UTF-8 it is half that, and MkDocs reads a generated file's bytes
    as it reads a file's (File.content_string decodes them when a page is converted)."""
    for path, markdown in pages.items():
        if isinstance(markdown, str):
            pages[path] = markdown.encode("utf-8")


@dataclass
class _Last:
    """The last good build."""

    facts: Facts
    site: Site
    templates: str  # fingerprint
    pages: dict[str, str]
    depends: dict[str, Dependencies]


@dataclass
class Incremental:
    """The state kept between builds, and the incremental render."""

    files: FileCache = field(default_factory=FileCache)
    last: _Last | None = None
    renderer: tuple[str, Renderer] | None = None  # (templates' fingerprint, compiled templates)
    bytecode: Any = None  # where a new Renderer finds its compiled templates (buildcache.bytecode)
    rendered: list[str] = field(default_factory=list)  # pages rendered by the last build
    removed: list[str] = field(default_factory=list)  # pages the last build dropped
    serialised: Serialised = field(default_factory=Serialised)  # feeds and events, by input
    near: Near = field(default_factory=Near)  # outputs of one record each
    # (history.head, the History, the last-updated dates) as last read: the same head, the same
    history: tuple[str, Any, dict[str, str]] | None = None
    # the pages of the last render were made, its data files not (yet): what the memos keep
    # is then of a build before, and none of it is reused
    data_pending: bool = False

    def render(
        self, facts: Facts, templates: Path, site: Site, publication: Any = None
    ) -> tuple[dict[str, str], dict[str, bytes], dict[str, Dependencies]]:
        """Render what changed since the last good build (everything the first time)."""
        pages, depends = self.render_pages(facts, templates, site)
        return pages, self.data_files(facts, site, publication), depends

    def render_pages(
        self, facts: Facts, templates: Path, site: Site
    ) -> tuple[dict[str, str], dict[str, Dependencies]]:
        """The pages of `render`; its data files must follow (`data_files`) before the next."""
        stamp = fingerprint(templates)
        if self.renderer is None or self.renderer[0] != stamp:
            self.renderer = (stamp, Renderer(templates, self.bytecode))
        renderer = self.renderer[1]
        paths = page_paths(facts)
        last = self.last
        changed = changes(last.facts, facts, last.site, site) if last is not None else None
        near = (
            touched(last.facts, facts, changed.records)
            if last is not None and changed is not None and not self.data_pending
            else None
        )
        self.data_pending = True
        self.near.begin(near)
        # a feed entry shows records by name, and whether an id is a record's: with the same ids
        # and renames, only the entries that show a touched record read differently
        same_ids = (
            last is not None
            and last.facts.records.keys() == facts.records.keys()
            and last.facts.renamed == facts.renamed
        )
        self.serialised.expect(site.history, near if same_ids else None)
        if (
            last is None
            or last.templates != stamp
            or last.site.edit_url != site.edit_url
            or last.site.content_path != site.content_path  # every page's edit link and file
            or last.site.publication != site.publication  # the pictures' links, the citations
            or last.site.source_links != site.source_links
            or last.site.history != site.history  # a commit: every page's history, rarely
        ):
            pages, depends = render_pages(facts, renderer, site)
            self.rendered, self.removed = list(pages), []
        else:
            assert changed is not None
            stale = [
                path
                for path in paths
                if path not in last.pages or changed.touch(path, last.depends[path])
            ]
            fresh, fresh_depends = render_pages(facts, renderer, site, stale)
            pages = {path: fresh[path] if path in fresh else last.pages[path] for path in paths}
            depends = {
                path: fresh_depends[path] if path in fresh else last.depends[path] for path in paths
            }
            self.rendered = stale
            self.removed = sorted(set(last.pages) - set(pages))
        self.last = _Last(facts, site, stamp, pages, depends)
        return pages, depends

    def data_files(self, facts: Facts, site: Site, publication: Any = None) -> dict[str, bytes]:
        """The data files, feeds and calendars of the facts whose pages were just rendered."""
        files = {
            **data_files(facts, self.near),
            **follow_files(facts, site.history, publication, self.serialised),
        }
        self.data_pending = False
        return files
