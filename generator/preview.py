"""`mkdocs serve`'s quick rebuild: after an edit of the content alone, only the pages and data
files whose bytes changed are converted and written again, through MkDocs' own page functions,
with the last build's files, navigation and theme environment; every other file in the served
folder is as the last build left it, and is what a full build would write.

Why: after one actor's rename at 10,000 records, a full MkDocs rebuild that converts only the
changed pages (generator/pagecache.py) still spent about 3.5 of its 8 s on work of every page
that the edit does not change: the navigation of 10,000 pages (1.5 s of a profile's 17.5),
each page's URLs (1.2), the file lists (2.1), the sweep of the served folder (0.7), the theme's
files and templates (1.0), and reading mkdocs.yml and its plugins again.

The quick rebuild is taken only when its result is the full build's; otherwise the full build
runs, and `mkdocs serve` logs why ("factsheets: a full rebuild: ..."):

* the last build was good and showed no problems (a banner is on every page after a bad save);
* no plugin but ours and mkdocs-redirects (`KNOWN_PLUGINS`), and the same day (the sitemap's
  dates);
* nothing but the content changed: mkdocs.yml, docs/ and the theme's overrides are as they were
  (`pagecache.site_stamp`); a template change renders every page, which this path converts;
* the same pages (no record added or removed) and the same redirects, so the navigation, the
  sitemap and the redirect pages are as last written (data files, such as the search index's
  shards, may come and go: no page lists them);
* a changed page of the navigation keeps its title there (every page shows it); an anchor a
  changed page lost is linked from no other page (`PageCache.breaks_others`); the conversion of the
  changed pages and their links raise no warning (which `--strict` turns into a failed build).

The edit's pages are written first and shown (`show`: the requests MkDocs' server holds are
answered, the browsers reloaded); the data files are made and written after them (a third of a
quick rebuild at 10,000 records). Should they refuse the quick path, the requests are held
again for the full build.

Written here: MkDocs rebuilds everything on each change (its `--dirty` skips only files whose
modification time changed); mkdocs-material's and other plugins' caches skip the conversion of
unchanged pages, not the build of the whole navigation around them."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

# The plugins whose part of a build this path knows: ours, and mkdocs-redirects, whose pages
# stay as they are while the redirects do. Any other (Material's search, say, which writes one
# index of every page) makes each rebuild a full one.
KNOWN_PLUGINS = frozenset({"factsheets", "redirects"})


@dataclass
class Served:
    """What the last good `mkdocs serve` build handed MkDocs and was given back by it."""

    config: Any  # the MkDocsConfig of that build
    files: Files
    nav: Any
    env: Any
    pages: dict[str, bytes]  # src_uri -> Markdown, as handed to MkDocs
    assets: dict[str, bytes]
    redirects: dict[str, str]
    build_date: str  # the day the pages were dated (the sitemap's <lastmod>) when it began


def unknown_plugins(config: Any) -> list[str]:
    return [name for name in config.plugins if name not in KNOWN_PLUGINS]


class Warnings(logging.Handler):
    """Counts MkDocs' warnings (what `--strict` fails a build on) while a quick rebuild runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def counting_warnings() -> Iterator[Warnings]:
    handler = Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def fresh_page(file: Any, config: Any) -> Page:
    """The page of a file whose Markdown changed, ready to be converted again.

    A page in the navigation keeps its object (the navigation links it to its neighbours and
    section), with what the page cache put on it for a reused page taken off; any other page is
    made anew, as MkDocs makes it."""
    page = file.page
    if page is None or not file.inclusion.is_in_nav():
        return Page(None, file, config)
    for name in ("read_source", "render", "factsheets_output"):
        page.__dict__.pop(name, None)
    return page


def convert(pages: list[Page], config: Any, files: Files) -> list[str]:
    """Read and convert each page, with every plugin's page events (MkDocs' _populate_page);
    return the pages of the navigation whose title there changed (every page shows it)."""
    before = {page.file.src_uri: page.title for page in pages if page.file.inclusion.is_in_nav()}
    for page in pages:
        _populate_page(page, config, files)
    return [
        page.file.src_uri
        for page in pages
        if before.get(page.file.src_uri, page.title) != page.title
    ]


def write(pages: list[Page], served: Served) -> None:
    """Render each page with the theme into the served folder (MkDocs' _build_page) and check
    the links out of it, as a full build does."""
    config, files = served.config, served.files
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    for page in pages:
        _build_page(page, config, doc_files, served.nav, served.env)
    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)


class Shown:
    """The served folder's pages shown while the rebuild goes on (`show`)."""

    def __init__(self, server: Any, epoch: Any) -> None:
        self.server, self.epoch = server, epoch

    def hide(self) -> None:
        """Hold the requests again until the build is over (a full one follows), and make the
        epoch that build will show a new one (MkDocs' own clock, `_timestamp`): the browsers
        that reloaded on the pages shown then reload again on the full build's."""
        with self.server._epoch_cond:
            self.server._visible_epoch = self.epoch
            self.server._wanted_epoch = max(
                round(time.monotonic() * 1000), self.server._wanted_epoch + 1
            )


def show(server: Any) -> Shown | None:
    """Answer the held requests and reload the browsers now, before the build is over.

    MkDocs' server (mkdocs.livereload.LiveReloadServer, 1.6) holds every request while it
    builds and reloads the browsers once its builder returns, by making the build's epoch the
    visible one; this does the same at once. What follows in the builder (the data files) then
    lands in the folder without a second reload. None with a server of another shape (nothing
    is shown early)."""
    cond = getattr(server, "_epoch_cond", None)
    if cond is None or not hasattr(server, "_wanted_epoch"):
        return None
    with cond:
        shown = Shown(server, server._visible_epoch)
        server._visible_epoch = server._wanted_epoch
        cond.notify_all()
    return shown


def delta(old: dict[str, bytes], new: dict[str, bytes]) -> tuple[list[str], list[str], list[str]]:
    """The keys whose bytes changed, the keys added and the keys removed."""
    changed = [
        key
        for key, value in new.items()
        if key in old and value is not old[key] and value != old[key]
    ]
    return changed, [key for key in new if key not in old], [key for key in old if key not in new]


def write_assets(
    paths: list[str], assets: dict[str, bytes], files: Files, new: dict[str, Any]
) -> list[Any]:
    """Write the data files whose bytes changed or which are new (`new`: their files, which join
    `files`); return their files. Each is written beside and renamed over the old one: the
    pages are served while they are written (`show`), and a request gets a whole file."""
    written = []
    for path in paths:
        file = files.src_uris.get(path)
        if file is None:
            file = new[path]
            files.append(file)
        file.content_bytes = assets[path]
        target = file.abs_dest_path
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temporary = f"{target}.{os.getpid()}.new"
        with open(temporary, "wb") as out:
            out.write(assets[path])
        os.replace(temporary, target)
        written.append(file)
    return written


def remove_assets(paths: list[str], files: Files, site_dir: str) -> list[Any]:
    """Take the data files no longer made out of `files` and the served folder (and a folder
    they leave empty, which a full build would not make); return their files."""
    removed = []
    top = os.path.abspath(site_dir)
    for path in paths:
        file = files.src_uris[path]
        files.remove(file)
        Path(file.abs_dest_path).unlink(missing_ok=True)
        folder = os.path.dirname(os.path.abspath(file.abs_dest_path))
        while folder != top and folder.startswith(top + os.sep) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
        removed.append(file)
    return removed


def _changes() -> list[type]:
    from watchdog import events

    return [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,  # closed after a write
        # a folder moved in, out or away: MkDocs' handler ignores folders' events, and polling
        # reported each file in it (`_as_files`)
        events.DirCreatedEvent,
        events.DirDeletedEvent,
        events.DirMovedEvent,
    ]


def _as_files(handler: Any) -> Any:
    """The handler, given a folder's creation, deletion or move as a file's."""
    from watchdog import events

    as_file = {
        events.DirCreatedEvent: events.FileCreatedEvent,
        events.DirDeletedEvent: events.FileDeletedEvent,
        events.DirMovedEvent: events.FileMovedEvent,
    }

    class Handler(events.FileSystemEventHandler):
        def dispatch(self, event: Any) -> None:
            kind = as_file.get(type(event))
            if kind is not None:
                event = kind(event.src_path, event.dest_path)
            handler.dispatch(event)

    return Handler()


class Watcher:
    """What `mkdocs serve` watches the files with: the folders (content/, templates/, docs/,
    overrides/) through the system's file events (inotify, FSEvents, ReadDirectoryChangesW), the
    single files (mkdocs.yml) polled as MkDocs polls everything, which an editor's save by
    rename would otherwise take out of an event watch.

    Why: MkDocs' PollingObserver walks every watched file every 0.5 s. At 10,000 records one walk
    of content/ took 56 ms and the walks 15% of a core while the preview was idle; during a
    rebuild they held the interpreter's lock beside it, and a save waited up to half a second to
    be seen. Events cost nothing idle and arrive at once; only events of change count (the
    system also reports each file opened, and closed unwritten: the build reads docs/). Where
    the system gives none (a network drive, some containers' shared folders),
    `watch_polling: true` (FACTSHEETS_POLLING=true) keeps MkDocs' polling; if the system refuses
    event watches (its limit reached), the folders are polled and the log says so."""

    def __init__(self, polling_interval: float = 0.5) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self.events, self.polling = Observer(), PollingObserver(timeout=polling_interval)
        self.changes = _changes()
        # the watch handed out -> (the observer holding it, its watch there; and for a folder
        # watched through events, what polling it needs: handler, path, recursive)
        self.where: dict[Any, tuple[Any, Any, tuple[Any, str, bool] | None]] = {}

    def schedule(self, handler: Any, path: str, *, recursive: bool = False, **extra: Any) -> Any:
        if not os.path.isdir(path):
            watch = self.polling.schedule(handler, path, recursive=recursive, **extra)
            self.where[watch] = (self.polling, watch, None)
            return watch
        extra.setdefault("event_filter", self.changes)  # not a file opened or read
        watch = self.events.schedule(_as_files(handler), path, recursive=recursive, **extra)
        self.where[watch] = (self.events, watch, (handler, path, recursive))
        return watch

    def unschedule(self, watch: Any) -> None:
        observer, inner, _ = self.where.pop(watch, (None, None, None))
        if observer is not None:
            observer.unschedule(inner)

    def start(self) -> None:
        self.polling.start()
        try:
            self.events.start()
        except OSError as error:  # inotify's limits, say: poll the folders too
            logging.getLogger("mkdocs.plugins.factsheets").warning(
                "factsheets: file events unavailable (%s): the folders are polled", error
            )
            try:
                self.events.unschedule_all()  # stops any emitter that had started
            except (OSError, RuntimeError):
                pass
            for watch, (observer, _, polled) in list(self.where.items()):
                if observer is self.events and polled is not None:
                    handler, path, recursive = polled
                    inner = self.polling.schedule(handler, path, recursive=recursive)
                    self.where[watch] = (self.polling, inner, None)
            self.events = None

    def stop(self) -> None:
        self.polling.stop()
        if self.events is not None and self.events.is_alive():
            self.events.stop()

    def join(self, timeout: float | None = None) -> None:
        self.polling.join(timeout)
        if self.events is not None and self.events.is_alive():
            self.events.join(timeout)


def watch_with_events(server: Any) -> bool:
    """Give a LiveReloadServer that is not serving yet a `Watcher`, its watches moved over;
    False (MkDocs' polling kept) when the server is not MkDocs' or ProperDocs' as known."""
    paths = getattr(server, "_watched_paths", None)
    observer = getattr(server, "observer", None)
    if not isinstance(paths, dict) or observer is None or observer.is_alive():
        return False
    counts = dict(paths)
    for path, times in counts.items():
        for _ in range(times):
            server.unwatch(path)
    server.observer = Watcher(getattr(observer, "timeout", 0.5))
    for path, times in counts.items():
        for _ in range(times):
            server.watch(path)
    return True
