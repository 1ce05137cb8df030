"""The MkDocs face: runs the pipeline, hands its pages to MkDocs. No YAML, no Jinja here.

Across `mkdocs serve` rebuilds the plugin keeps the incremental state (generator/incremental.py:
only changed records are reloaded, only pages whose dependencies changed are rendered) and what
MkDocs made of each page (generator/pagecache.py: an unchanged page is not converted again)."""

from __future__ import annotations

import html as htmllib
import logging
import os
import re
import time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel, set_exclusions
from mkdocs.utils import get_build_date

from . import buildcache, pipeline, preview
from .feeds import Publication
from .history import head, last_updated, read_history, repo_path
from .incremental import Incremental, encode_pages
from .pagecache import PageCache, add_cached_template, site_stamp
from .passthrough import Held
from .problems import format_text
from .render import redirect_map
from .safety import sanitize
from .sitedir import (
    DirtyWarning,
    Output,
    Written,
    bytes_key,
    now_in,
    sweep,
    unlink_others,
    write_ahead,
)

log = logging.getLogger("mkdocs.plugins.factsheets")


class FactsheetsConfig(Config):
    content = c.Type(str, default="content")
    templates = c.Type(str, default="templates")
    edit_url = c.Type(str, default="")
    offline = c.Type(bool, default=False)  # the bundle: no directory URLs (pages open as files)
    # keep the incremental state in .cache/factsheets/ between `mkdocs build` runs
    cache = c.Type(bool, default=True)
    base_url = c.Type(str, default="")  # where the site is published, for "Cite this page"
    # `mkdocs serve` polls the folders as MkDocs does, instead of the system's file events
    # (preview.Watcher): for a file system that gives none (a network drive, say)
    watch_polling = c.Type(bool, default=False)


_BODY = re.compile(r"<body\b[^>]*>")


def with_banner(output: str, problems: str) -> str:
    """A served page with the content's problems at its top (`mkdocs serve` after a bad save)."""
    banner = (
        '<div class="fs-build-problems" role="alert" style="background:#fff3cd;color:#1a1a1a;'
        'border-bottom:3px solid #b00020;padding:0.8em 1em;white-space:pre-wrap;font:14px monospace">'
        "<strong>The content is invalid: this preview shows the last good pages.</strong>\n"
        f"{htmllib.escape(problems)}</div>"
    )
    match = _BODY.search(output)
    at = match.end() if match else 0
    return output[:at] + banner + output[at:]


def _cache_off() -> bool:
    """FACTSHEETS_CACHE=off: a cold build, neither reading nor writing .cache/."""
    return os.environ.get("FACTSHEETS_CACHE", "").lower() in ("off", "0", "false", "no")


class FactsheetsPlugin(BasePlugin[FactsheetsConfig]):
    def on_startup(self, *, command, dirty):
        """Having this hook makes MkDocs keep the plugin across `mkdocs serve` rebuilds: the state
        of the last good build lives on, and each rebuild redoes only what changed. With
        `--dirty` (`make serve`), files MkDocs wrote last time and would write the same are left
        alone, and what a clean build would not write is removed (generator/sitedir.py)."""
        self.command = command
        self.dirty = dirty
        self.written = Written()  # what the last good build left in its site folder
        if dirty and not hasattr(self, "quiet"):
            self.quiet = DirtyWarning()
            logging.getLogger("mkdocs.commands.build").addFilter(self.quiet)
        self.state = Incremental()
        self.made = PageCache()
        self.cache_key: str | None = None  # set once the state was read from (or is for) disk
        self.last_good: pipeline.Built | None = None  # what a failed `serve` rebuild shows
        self.saved = False  # the state on disk is this process's last good build
        self.collector = pipeline.CollectorPause()
        self.served: preview.Served | None = None  # what a quick rebuild starts from (serve)
        self.last_quick = False  # the last rebuild was a quick one
        self.server = None  # MkDocs' server (serve)
        self.shown: preview.Shown | None = None  # a quick rebuild's pages shown, it not done

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        self.content = (root / self.config.content).resolve()
        self.templates = (root / self.config.templates).resolve()
        self.built: pipeline.Built | None = None  # per build, never shared across serve rebuilds
        if self.config.offline:
            config.use_directory_urls = False
        if not hasattr(self, "state"):  # an engine that never calls on_startup
            self.on_startup(command="build", dirty=False)
        return config

    def on_pre_build(self, config):
        """Check and render before MkDocs touches site/: invalid content leaves it as it was."""
        self.last_quick = False
        self.build_date = get_build_date()  # what the pages of this build are dated
        if self.cache_key is None and self.config.cache and not _cache_off():
            config_file = Path(config.config_file_path or "mkdocs.yml")
            self.cache_key = buildcache.cache_key(self.root, self.templates, config_file)
            self.store = buildcache.Store(self.root, self.cache_key)
            saved = self.store.load()
            if self.command == "serve":
                self.store.forget()
            if saved is not None:
                self.state, self.made, self.written = saved
        if not hasattr(self, "bytecode"):  # the compiled templates, the theme's and ours
            self.bytecode = {
                kind: buildcache.bytecode(self.root, self.cache_key, kind)
                for kind in ("theme", "pages")
            }
        self.state.bytecode = self.bytecode["pages"]
        # the last build's pages, no longer MkDocs': what ties each to its file is unmade, so that
        # they go as soon as nothing names them (else the cyclic GC had to find them)
        for file in getattr(self, "done", None) or ():
            file.page = None
        self.done = None
        # an edit's rebuild renders and converts a few pages: no full collection of the whole
        # state meanwhile (pipeline.CollectorPause)
        self.collector.begin(incremental=self.state.last is not None)
        if self.dirty:
            # `make site`: a build into a new, empty folder links the unchanged files of the last
            # good site (sitedir.py); never in serve or into a folder with files (the build
            # writes its changed files there, and must not write through a link into the last)
            previous = os.environ.get("FACTSHEETS_PREVIOUS_SITE", "")
            fresh = not os.path.isdir(config.site_dir) or not os.listdir(config.site_dir)
            self.previous = config.site_dir
            if previous and os.path.isdir(previous) and fresh and self.command == "build":
                self.previous = os.path.abspath(previous)
            self.fresh = fresh
            self.since = now_in(config.site_dir)
        built = self.run_pipeline(config)
        errors = [p for p in built.problems if p.is_error]
        self.problems = ""
        if errors and self.command == "serve" and self.last_good is not None:
            # MkDocs' server holds every request while a rebuild has failed: build instead
            # from the last good pages, with the problems in a banner on each (not cached).
            self.problems = format_text(built.problems, built.checked.files)
            log.info(
                "the content is invalid; the preview shows the last good pages:\n%s",
                self.problems,
            )
            built = self.last_good
        elif errors:
            raise PluginError(
                "the content is invalid; site/ was left as it was.\n"
                + format_text(built.problems, built.checked.files)
            )
        encode_pages(built.pages)  # half the memory; what MkDocs reads, it decodes
        self.built = built
        # what a failed `serve` rebuild shows; a build lets go of it with its files
        self.last_good = built if self.command == "serve" else None
        self.collector.pages(len(self.state.rendered))
        self.made.begin(site_stamp(config))
        self.held = Held()

    def run_pipeline(self, config, pages_first: bool = False) -> pipeline.Built:
        """The pipeline over the content, from the state of the last good build; its warnings
        logged (its errors are the caller's). `pages_first`: see pipeline.build."""
        publication = Publication(
            config.site_name,
            config.use_directory_urls,
            config.site_url or self.config.base_url or None,  # base_url: FACTSHEETS_BASE_URL
        )
        history, updated = self.read_history()
        if not history.available:  # info: a shallow clone must build, even with --strict
            log.info("factsheets: history not available: %s", history.reason)
        built = pipeline.build(
            self.content,
            self.templates,
            edit_url=self.config.edit_url or None,
            updated=updated,
            history=history,
            publication=publication,
            state=self.state,
            content_path=repo_path(self.content, self.root),
            pages_first=pages_first,
        )
        for problem in built.problems:
            if problem.detail:  # an internal error's traceback: `mkdocs build --verbose` shows it
                log.debug("%s [%s]\n%s", problem.path, problem.code, problem.detail)
            if not problem.is_error:  # info, not warning: a warning must not fail --strict
                log.info(
                    "%s:%s:%s: warning: %s [%s]",
                    problem.path,
                    problem.line,
                    problem.column,
                    problem.message,
                    problem.code,
                )
        return built

    def read_history(self):
        """The git history and last-updated dates; read again only when the head moved."""
        now = head(self.content)
        kept = self.state.history
        if now is not None and kept is not None and kept[0] == now:
            return kept[1], kept[2]
        history, updated = read_history(self.root, self.content), last_updated(self.content)
        # kept only when read: a git that failed (a timeout, a gc under way) is asked again
        self.state.history = (now, history, updated) if now and history.available else None
        return history, updated

    def on_files(self, files: Files, config):
        assert self.built is not None
        site_dir = config.site_dir
        page_key = f"{self.made.stamp}|{bytes_key(self.problems)}|"
        by_uri = files.src_uris  # our paths are POSIX src_uris: no PurePath for each of 10,000
        for path, markdown in self.built.pages.items():
            inclusion = (
                InclusionLevel.INCLUDED if path.endswith("index.md") else InclusionLevel.NOT_IN_NAV
            )
            existing = by_uri.get(path)
            if existing is not None:
                files.remove(existing)
            page = Output.generated(config, path, content=markdown, inclusion=inclusion)
            if self.dirty:
                made = self.made.unchanged(path, markdown)
                # the key of what is written: of the Markdown even when it was never built
                # before (the first build's keys are what the second finds kept)
                page.key = page_key + self.made.digest(path, markdown).hex()
                page.kept = made is not None and self.written.keep(
                    self.previous, site_dir, page.dest_uri, page.key
                )
            files.append(page)
        for path, data in self.built.assets.items():
            asset = Output.generated(config, path, content=data)
            if self.dirty:
                asset.key = bytes_key(data)
                asset.kept = self.written.keep(self.previous, site_dir, asset.dest_uri, asset.key)
            files.append(asset)
        if self.dirty:  # a page of docs/ (not ours) may link to ours: always made again
            for file in files.documentation_pages():
                if not isinstance(file, Output):
                    Path(file.abs_dest_path).unlink(missing_ok=True)
        self.files = files
        self.redirects = redirect_map(self.built.checked.facts)
        redirects = config.plugins.get("redirects")
        if redirects is not None:
            redirects.config["redirect_maps"] = {
                **redirects.config.get("redirect_maps", {}),
                **self.redirects,
            }
        self.built = None  # the pages now live in `files` (and in the incremental state)
        self.made.wrap_search(config.plugins.get("material/search") or config.plugins.get("search"))
        return files

    def on_nav(self, nav, config, files):
        self.nav = nav
        if self.command == "build":  # serve's quick rebuilds write them again from memory
            write_ahead(files, self.dirty)
        return nav

    def on_env(self, env, config, files):
        self.env = env
        env.bytecode_cache = self.bytecode["theme"]  # MkDocs makes the environment anew each build
        add_cached_template(env)
        if self.dirty:  # pages MkDocs skips: their links and anchors, for its checks
            for file in files.documentation_pages():
                if isinstance(file, Output) and file.kept and file.page is not None:
                    self.made.keep(file.page, files)
        return env

    def on_pre_page(self, page, config, files):
        if page.file.generated_by:
            self.made.pre_page(page, files)  # unchanged since the last build: restored, not redone
        return page

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.generated_by:  # the pictures skip Python-Markdown (see passthrough.py)
            return self.held.hold(page.file.src_uri, markdown)
        return markdown

    @event_priority(-100)  # last: what is remembered is the body as every plugin left it
    def on_page_content(self, html, page, config, files):
        reused = self.made.content(page, None)
        if reused is not None:
            self.held.pages.pop(page.file.src_uri, None)
            return reused
        if page.file.generated_by:
            html = sanitize(self.held.restore(page.file.src_uri, html, page.present_anchor_ids))
        self.made.content(page, html)
        return self.made.packed(page, html) if page.file.generated_by else html

    @event_priority(-100)
    def on_post_page(self, output, page, config):
        self.made.post_page(page, output)
        return with_banner(output, self.problems) if self.problems else output

    def on_post_build(self, config):
        pages = len(self.state.last.pages) if self.state.last else 0
        log.info(
            "factsheets: %d of %d pages rendered, %d as MkDocs made them last time",
            len(self.state.rendered),
            pages,
            len(self.made.reused),
        )
        self.made.commit()
        if self.dirty:
            outputs = [file for file in self.files if isinstance(file, Output)]
            self.last_kept = kept = sum(file.kept for file in outputs)
            self.last_kept_pages = sum(f.kept for f in outputs if f.is_documentation_page())
            self.written.record(config.site_dir, outputs, self.since)
            dests = self._dests(config)
            if self.fresh:  # a new folder holds what this build wrote and linked, nothing else
                removed = unlink_others(config.site_dir, [f for f in outputs if f.kept], dests)
            else:
                removed = sweep(config.site_dir, dests, self.since)
            log.info(
                "factsheets: --dirty: %d of %d files as the last build wrote them, %d removed",
                kept,
                len(outputs),
                len(removed),
            )
        if self.command == "serve" and not self.problems and self.last_good is not None:
            self.served = preview.Served(
                config,
                self.files,
                self.nav,
                self.env,
                self.last_good.pages,
                self.last_good.assets,
                self.redirects,
                self.build_date,
            )
        self.done, self.files = self.files, None
        self.saved = False
        if self.cache_key is not None and self.command != "serve":
            self.save()
        self.collector.end(later=self.command == "serve")

    def on_build_error(self, error):
        self.served = None
        self.collector.end(later=self.command == "serve")

    def on_serve(self, server, config, builder):
        """Each rebuild after an edit is first tried as a quick one; the folders are watched
        through the system's file events unless `watch_polling` (generator/preview.py)."""
        if not self.config.watch_polling and preview.watch_with_events(server):
            log.debug("factsheets: folders watched through the system's file events")
        full = server.builder
        self.server = server

        def rebuild():
            if not self.quick_rebuild():
                full()

        server.builder = rebuild
        return server

    def quick_rebuild(self) -> bool:
        """Rebuild after an edit of the content: only its changed pages and data files are
        converted and written again (generator/preview.py). False when only a full build gives
        a full build's result; it is then the caller's to run."""
        served, self.served = self.served, None  # a refusal midway leaves nothing to reuse
        start = time.perf_counter()
        refusal = "no good build to start from" if served is None else None
        if served is not None:
            self.collector.begin(incremental=True)
            try:
                refusal = self._quick(served)
            except Exception as error:  # the full build then runs, and says what is wrong
                log.debug("factsheets: the quick rebuild failed", exc_info=True)
                refusal = f"the quick rebuild failed ({type(error).__name__}: {error})"
            finally:
                self.collector.end(later=True)
                shown, self.shown = self.shown, None
                if refusal and shown is not None:  # the full build that follows holds them
                    shown.hide()
        self.last_quick = not refusal
        if refusal:
            log.info("factsheets: a full rebuild: %s", refusal)
            return False
        log.info("factsheets: quick rebuild in %.2f s", time.perf_counter() - start)
        return True

    def _quick(self, served: preview.Served) -> str | None:
        """The quick rebuild, or why not (see preview.py)."""
        config = served.config
        if self.problems:
            return "the last build showed problems"
        unknown = preview.unknown_plugins(config)
        if unknown:
            return f"the plugin {unknown[0]!r} may write from every page"
        if served.build_date != get_build_date():
            return "the date changed (the sitemap's)"
        if site_stamp(config) != self.made.stamp:
            return "mkdocs.yml, docs/ or the theme's overrides changed"
        built = self.run_pipeline(config, pages_first=True)
        if any(p.is_error for p in built.problems):
            return "the content is invalid"
        encode_pages(built.pages)
        pages, added, removed = preview.delta(served.pages, built.pages)
        if added or removed:
            return f"pages were added or removed ({(added + removed)[0]})"
        redirects = redirect_map(built.checked.facts)
        if redirects != served.redirects:
            return "the redirects changed"
        files = served.files
        page_key = f"{self.made.stamp}|{bytes_key('')}|"
        outputs = [files.src_uris[path] for path in pages]
        for file in outputs:
            file.content_bytes = built.pages[file.src_uri]
            file.key = page_key + self.made.digest(file.src_uri, file.content_bytes).hex()
            file.kept = False
        self.made.begin_some()
        self.held = Held()
        with preview.counting_warnings() as warnings:
            fresh = [preview.fresh_page(file, config) for file in outputs]
            retitled = preview.convert(fresh, config, files)
            if retitled:
                return f"the title of {retitled[0]} in the navigation changed"
            stale = self.made.breaks_others(pages, files)
            if stale:
                return stale
            if warnings.count:
                return "a page's conversion gave a warning"
            preview.write(fresh, served)
            # the edit's pages are served, and the browsers reloaded, before the data files
            # are made (about a third of a quick rebuild at 10,000 records); should the rest
            # refuse or fail, quick_rebuild hides them again for the full build
            self.shown = preview.show(self.server)
            built.finish(self.templates)
            if any(p.is_error for p in built.problems):
                return "the data files failed"
            assets, new_assets, old_assets = preview.delta(served.assets, built.assets)
            new_files = {
                path: Output.generated(config, path, content=built.assets[path])
                for path in new_assets
            }
            set_exclusions(new_files.values(), config)  # as a full build sets them
            if not all(file.inclusion.is_in_serve() for file in new_files.values()):
                return "a new data file is excluded from the site (exclude_docs)"
            data = preview.write_assets(assets + new_assets, built.assets, files, new_files)
            data += preview.remove_assets(old_assets, files, config.site_dir)
        if warnings.count:
            return "a page gave a warning"
        if get_build_date() != served.build_date:  # midnight passed: the sitemap's dates
            return "the date changed while it ran (the sitemap's)"
        for file in data:
            file.key, file.kept = bytes_key(file.content_bytes), False
        self.made.commit_some()
        if self.dirty:
            self.written.update(config.site_dir, outputs + data)
        self.last_good = built
        self.served = preview.Served(
            config,
            files,
            served.nav,
            served.env,
            built.pages,
            built.assets,
            redirects,
            served.build_date,
        )
        log.info(
            "factsheets: %d of %d pages rendered, %d converted again, %d of %d data files",
            len(self.state.rendered),
            len(built.pages),
            len(outputs),
            len(data),
            len(built.assets),
        )
        return None

    def _dests(self, config) -> set[str]:
        """What this build wrote or kept: the files it includes, and the theme's own pages."""
        included = (
            InclusionLevel.is_in_serve if self.command == "serve" else InclusionLevel.is_included
        )
        dests = {file.dest_uri for file in self.files if included(file.inclusion)}
        for name in config.theme.static_templates:
            dests |= {name, f"{name}.gz"} if name == "sitemap.xml" else {name}
        return dests

    def on_shutdown(self):
        self.collector.end(later=False)
        if self.command == "build":
            pipeline.spare_exit()
        if hasattr(self, "quiet"):
            logging.getLogger("mkdocs.commands.build").removeFilter(self.quiet)
            del self.quiet
        if self.cache_key is not None and not self.saved:  # a build saved already
            self.save()

    def save(self) -> None:
        """Keep the state for the next `mkdocs build` (the compiled templates are not kept)."""
        renderer, self.state.renderer = self.state.renderer, None
        bytecode, self.state.bytecode = self.state.bytecode, None
        try:
            self.store.save((self.state, self.made, self.written))
            self.saved = True
        finally:
            self.state.renderer, self.state.bytecode = renderer, bytecode
