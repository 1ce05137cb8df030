"""The whole pipeline on one screen: load everything, validate, link, then render."""

from __future__ import annotations

import atexit
import contextlib
import gc
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .api import api_files
from .link import Facts, link_records
from .load import LoadResult, load_records
from .output import replace_tree
from .passthrough import unmarked
from .popolo import popolo_files
from .problems import Problem, error, internal, sort_problems
from .render import render_site
from .search import build_index
from .sqlite_export import sqlite_files
from .validate import partial_record, validate_records
from .views import Dependencies, Site

if TYPE_CHECKING:  # annotations only: feeds and history import changes, which imports this module
    from .feeds import Publication
    from .filecache import FileCache
    from .history import History
    from .incremental import Incremental


@dataclass
class Checked:
    """The outcome of load -> validate -> link: facts (when linkable) and every problem."""

    facts: Facts
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass
class Built:
    checked: Checked
    pages: dict[str, str] = field(default_factory=dict)  # "actors/x.md" -> Markdown
    assets: dict[str, bytes] = field(default_factory=dict)  # "data/facts.json" -> bytes
    # "actors/x.md" -> the records, referrer lists and types the page was made from
    depends: dict[str, Dependencies] = field(default_factory=dict)
    # build(pages_first=True): the data files, still to make (`finish`)
    pending: Callable[[], dict[str, bytes]] | None = field(default=None, repr=False)

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems

    def finish(self, templates: Path) -> Built:
        """Make the data files that `build(pages_first=True)` left for later; a failure is a
        problem (and no pages), as in `build`."""
        pending, self.pending = self.pending, None
        if pending is not None:
            assets = _guarded(self.checked, templates, pending)
            if assets is None:
                self.pages, self.assets, self.depends = {}, {}, {}
            else:
                self.assets.update(assets)
        return self

    def write(self, out: Path) -> None:
        """Make `out` the Markdown tree of pages and data files (any MkDocs engine), whole.

        The tree is written into a temporary folder and swapped in: pages of deleted records do
        not linger, and a failure leaves `out` as it was (see output.replace_tree).
        """
        pages = {path: unmarked(markdown) for path, markdown in self.pages.items()}
        replace_tree(Path(out), {**pages, **self.assets})


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    # Pause the cyclic GC: every record stays alive to the end, and the collector would walk them
    # all again each time the heap grows by a quarter (a quarter of the time at 10,000 records).
    # These stages make next to no garbage cycles, so memory is unchanged.
    # On resuming, what was made meanwhile goes straight to the oldest generation (freeze, then
    # unfreeze: two list moves), not through the young ones: the first collections would
    # otherwise walk every record three times over (once a generation) to find them all alive,
    # 1.5 s at 20,000 records. A later full collection still walks them, as it would have.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


_SPARED = False


def spare_exit() -> None:
    """The process is about to end (a `mkdocs build`): no collection of the whole heap at exit.

    The interpreter's finalisation ends with a full collection of the cyclic GC, over every object
    still alive: at 10,000 records, the state of the build (millions of objects), 4 s of a second
    `make site` after a one-record edit (measured: 4.0 to 4.5 s from the end of the build to the
    end of the process, 0.1 s with this). At exit the objects of the permanent generation
    (`gc.freeze`) are not walked; their memory goes back to the system with the process. Done
    through atexit, so that a process that builds several times (the tests) collects as usual
    until it ends."""
    global _SPARED
    if not _SPARED:
        _SPARED = True
        atexit.register(gc.freeze)


class CollectorPause:
    """The cyclic GC paused through an incremental build (an edit's rebuild).

    At 10,000 records the heap holds millions of objects (the state of the last build), all
    alive, and a rebuild made enough new ones to start a full collection of them each time:
    1.5 s of an 8 s rebuild in `mkdocs serve` (measured with gc.callbacks). A rebuild makes
    little cyclic garbage of its own (a Python-Markdown instance for each page it converts); a
    cold build, or one that renders more than PAGES pages (a template changed), converts every
    page, so it runs with the collector on. The last build's pages and files, which the new ones
    replace, are garbage after the build: collected in `mkdocs serve` when the server has been
    idle for IDLE seconds (the collection then delays no preview), else by the first build that
    finds LIMIT builds uncollected, which runs with the collector on; a `mkdocs build` ends."""

    IDLE = 2.0
    LIMIT = 3
    PAGES = 500  # at most this many pages converted: a rebuild, not a cold build

    def __init__(self) -> None:
        self.paused = False
        self.uncollected = 0
        self.timer: threading.Timer | None = None

    def begin(self, incremental: bool) -> None:
        """A build starts: paused if it is incremental (the state of a last build is at hand)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.paused or not gc.isenabled() or not incremental or self.uncollected >= self.LIMIT:
            return
        gc.disable()
        self.paused = True
        self.uncollected += 1

    def pages(self, rendered: int) -> None:
        """The pipeline rendered this many pages: more than PAGES (a template changed, say),
        and MkDocs converts as many, so the collector is back on for them."""
        if rendered > self.PAGES:
            self.end(later=False)

    def end(self, later: bool) -> None:
        """The build is over: the collector back on (what the build made goes straight to the
        oldest generation, as in gc_paused); with `later` (serve), a full collection once idle."""
        if not self.paused:
            self.uncollected = 0
            return
        self.paused = False
        gc.freeze()
        gc.unfreeze()
        gc.enable()
        if later:
            self.timer = threading.Timer(self.IDLE, self._collect)
            self.timer.daemon = True
            self.timer.start()

    def _collect(self) -> None:
        gc.collect()
        self.uncollected = 0


def check(content: Path, files: FileCache | None = None) -> Checked:
    """Load, validate and link every record under `content`.

    With `files` (the incremental build's), unchanged files are neither parsed nor validated
    again; references are still resolved over the whole set."""
    with gc_paused():
        loaded = (
            load_records(Path(content))
            if files is None
            else load_records(Path(content), files.load)
        )
        return check_loaded(loaded, files, where=str(content))


def check_loaded(
    loaded: LoadResult, files: FileCache | None = None, where: str = "content"
) -> Checked:
    """Validate and link loaded records (the content's, or an import's merged with them)."""
    with gc_paused():
        if files is None:
            records, problems = validate_records(loaded.records)
        else:
            records, problems = validate_records(loaded.records, files.validate)
            files.forget_others()
        valid = {id(r.raw) for r in records}
        failed = [r for r in loaded.records if id(r) not in valid]
        broken = {**loaded.unparsed, **{r.id: r.type for r in failed}}
        partial = []  # what parsed of the failed records: their references are checked too
        for raw in failed:
            record, found = partial_record(raw)
            problems += found
            if record is not None:
                partial.append(record)
        try:
            memo = files.clean if files is not None else None
            facts, link_problems = link_records(records, broken, partial, memo)
        except Exception as exc:  # noqa: BLE001
            facts, link_problems = Facts({}), [internal(where, "link", "linking", exc)]
    return Checked(facts, sort_problems(loaded.problems + problems + link_problems), loaded.files)


def build(
    content: Path,
    templates: Path,
    *,
    edit_url: str | None = None,
    updated: dict[str, str] | None = None,
    history: History | None = None,
    publication: Publication | None = None,
    state: Incremental | None = None,
    content_path: str | None = None,
    source_links: bool = False,
    pages_first: bool = False,
) -> Built:
    """Check the content; when it has no errors, render every page and data file.

    `pages_first`: the data files are left for `Built.finish` (`mkdocs serve` shows an edit's
    pages before it makes them).

    With `state` (kept from the previous build), only changed files are parsed and validated and
    only the pages whose dependencies changed are rendered (`state.rendered`); the result is the
    same, byte for byte.

    `content_path`: the content folder as the repository names it (`history.repo_path`), for
    edit links, the source file a page names and the keys of `updated`; by default its name.
    `source_links`: links in raw HTML (the pictures) as `.md` paths, for an engine that resolves
    them (Zensical), instead of page URLs (MkDocs; see views.html_url)."""
    checked = check(content, state.files if state else None)
    if not checked.ok:
        return Built(checked)
    content_path = content_path or Path(content).resolve().name
    site = Site(edit_url or None, updated or {}, history, publication, content_path, source_links)
    facts = checked.facts

    def pages() -> tuple[dict[str, str], dict[str, bytes], dict[str, Dependencies]]:
        if state is None:
            return render_site(
                facts,
                Path(templates),
                edit_url=edit_url,
                updated=updated,
                history=history,
                publication=publication,
                content_path=content_path,
                source_links=source_links,
            )
        pages, depends = state.render_pages(facts, Path(templates), site)
        return pages, {}, depends

    def data() -> dict[str, bytes]:
        assets = state.data_files(facts, site, publication) if state is not None else {}
        # whole, from the facts; an incremental build keeps the records' parts that its edit
        # did not touch (incremental.Near)
        memo = state.near if state is not None else None
        assets.update(build_index(facts, memo))
        directory_urls = publication.directory_urls if publication else True
        # data for reuse (issue 12)
        assets.update(api_files(facts, directory_urls=directory_urls, memo=memo))
        assets.update(popolo_files(facts, directory_urls=directory_urls, memo=memo))
        assets.update(sqlite_files(facts, directory_urls=directory_urls, memo=memo))
        return assets

    made = _guarded(checked, templates, pages)
    if made is None:
        return Built(checked)
    built = Built(checked, made[0], made[1], made[2], pending=data)
    return built if pages_first else built.finish(templates)


def _guarded(checked: Checked, templates: Path, step: Callable[[], Any]) -> Any:
    """`step()`, or None with the problem added to `checked`: a template's error at its line,
    a bug as one clear line (its traceback in the problem's detail), never a traceback."""
    try:
        return step()
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or str(templates)
        checked.problems.append(
            error(where, exc.lineno or 1, 1, "template.syntax", f"template error: {exc.message}")
        )
    except jinja2.TemplateError as exc:
        checked.problems.append(
            error(str(templates), 1, 1, "template.error", f"template error: {exc}")
        )
    except Exception as exc:  # noqa: BLE001 - a bug must be one clear line, not a traceback
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        problem = internal(frame.filename, "render", "rendering", exc)
        checked.problems.append(replace(problem, line=frame.lineno or 1))
    return None
