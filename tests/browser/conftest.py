"""Browser test fixtures: one headless Chromium, and two builds of the shipped content per session.

- the online build (`mkdocs build`, directory URLs) served by a threading http.server on
  127.0.0.1 and an ephemeral port;
- the offline bundle: the zip that `python -m generator.bundle` writes, unzipped into a scratch
  folder and opened through file://.

Chromium is Debian's /usr/bin/chromium (the `chromium` package; `.ci/run` installs it). If it is
missing, the browser tests skip with a loud message locally, and fail when CI=true: CI must never
pass without having run them.
"""

from __future__ import annotations

import concurrent.futures
import functools
import http.server
import os
import posixpath
import shutil
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitebuild import CHROMIUM, CHROMIUM_ARGS, ROOT, mkdocs_build, prepare

try:  # a pinned test dependency; its absence is reported like a missing browser
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None

VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CONTENT = ROOT / "content"
BUILDS = ("online", "offline")

_unavailable: list[str] = []


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def browser_unavailable(reason: str) -> None:
    """Fail under CI=true, otherwise skip, loudly (also in the terminal summary)."""
    if in_ci():
        pytest.fail(
            f"{reason}. CI=true: the browser tests must run, they never skip.", pytrace=False
        )
    message = (
        f"BROWSER TESTS SKIPPED: {reason}. Install Debian's Chromium and fonts "
        "(apt-get install chromium fonts-noto-core) to run them; CI fails instead of skipping."
    )
    if message not in _unavailable:
        _unavailable.append(message)
        print(f"\nWARNING: {message}", file=sys.stderr)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter) -> None:
    for message in _unavailable:
        terminalreporter.write_sep("!", "browser tests were skipped", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)


# ------------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def playwright():
    if sync_playwright is None:
        browser_unavailable(
            "the Python package playwright is not installed (pip install -e '.[test]')"
        )
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        browser_unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


def _bare_fontconfig(folder: Path) -> Path:
    """A fontconfig setup holding only the system fonts that have no Devanagari: what a reader's
    machine without Indian fonts looks like (a bare Debian has DejaVu and Liberation)."""

    def files(*pattern: str) -> set[str]:
        out = subprocess.run(
            ["fc-list", *pattern, "--format", "%{file}\\n"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return {line for line in out.splitlines() if line}

    keep = sorted(files() - files(":lang=hi"))
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(keep):
        (fonts / f"{n:04d}-{Path(path).name}").symlink_to(path)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        # the system's alias rules (sans-serif, Helvetica, Arial -> installed fonts), no fonts
        '  <include ignore_missing="yes">/etc/fonts/conf.d</include>\n</fontconfig>\n',
        encoding="utf-8",
    )
    return conf


@pytest.fixture(scope="session")
def bare_browser(playwright, tmp_path_factory):
    """A second Chromium that sees no Devanagari font on the machine: the site's own font
    files must supply the glyphs."""
    if shutil.which("fc-list") is None:
        browser_unavailable("fc-list (fontconfig) is missing")
    conf = _bare_fontconfig(tmp_path_factory.mktemp("bare-fonts"))
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
    )
    try:
        yield chromium
    finally:
        chromium.close()


# ------------------------------------------------------------------------------------------------
# The two builds


@dataclass
class Site:
    """One build of the site, and how to address its pages."""

    name: str  # "online" or "offline"
    root: Path  # folder holding index.html
    base: str  # URL of the home page
    origin: str  # what every request must start with

    def url(self, page: str = "") -> str:
        """'actors/rajnath-singh' -> that page's URL in this build ('' is the home page,
        'actors/index' the actors index)."""
        page = page.strip("/")
        if self.name == "online":
            page = page.removesuffix("/index")
            return self.base + (page + "/" if page else "")
        return self.root.as_uri() + "/" + (page + ".html" if page else "index.html")

    def page_of(self, url: str) -> str:
        """The inverse of url(): a page URL (query and fragment ignored) -> 'actors/x' or ''."""
        path = unquote(urlsplit(url).path)
        if self.name == "online":
            path = path[len(urlsplit(self.base).path) :]
        else:
            path = posixpath.relpath(path, self.root.as_posix())
        path = path.strip("/")
        for suffix in ("index.html", ".html"):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
        return path.strip("/").removesuffix("/index")

    def is_local(self, url: str) -> bool:
        return url.startswith(self.origin)


def _build_online(work: Path) -> Path:
    prepare(work, CONTENT)
    result = mkdocs_build(work, site_dir="site", offline=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return work / "site"


def _build_bundle(work: Path, unpacked: Path) -> Path:
    """`python -m generator.bundle` in a scratch copy of the project; unzip its one zip."""
    prepare(work, CONTENT)
    dist = work / "dist"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    env.setdefault("SOURCE_DATE_EPOCH", "1750896000")
    result = subprocess.run(
        [sys.executable, "-m", "generator.bundle", "-f", str(work / "mkdocs.yml"), "-o", str(dist)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    zips = sorted(dist.glob("*.zip"))
    assert len(zips) == 1, f"expected exactly one zip in dist/, found {[z.name for z in zips]}"
    with zipfile.ZipFile(zips[0]) as zf:
        tops = {name.split("/", 1)[0] for name in zf.namelist()}
        assert tops == {zips[0].stem}, f"the zip must hold one folder, {zips[0].stem}: {tops}"
        zf.extractall(unpacked)
    root = unpacked / zips[0].stem
    assert (root / "index.html").is_file()
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Both builds, made side by side (two `mkdocs build` processes)."""
    scratch = tmp_path_factory.mktemp("browser-builds")
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        online = pool.submit(_build_online, scratch / "online")
        offline = pool.submit(_build_bundle, scratch / "bundle", scratch / "unzipped")
        return {"online": online.result(), "offline": offline.result()}


@pytest.fixture(scope="session")
def online_site(built) -> Site:
    handler = functools.partial(_QuietHandler, directory=str(built["online"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield Site("online", built["online"], base, base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def offline_site(built) -> Site:
    root = built["offline"]
    # every load must stay inside the unzipped folder (a path escaping it would break elsewhere)
    return Site("offline", root, root.as_uri() + "/index.html", root.as_uri() + "/")


@pytest.fixture(scope="session", params=BUILDS)
def site(request) -> Site:
    return request.getfixturevalue(f"{request.param}_site")


# ------------------------------------------------------------------------------------------------
# A tab that records what the page does


@dataclass
class Tab:
    page: object  # playwright Page
    site: Site
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    checked: bool = False

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", self._failed)
        page.on("websocket", lambda ws: self.requests.append(ws.url))

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.console_errors.append(f"console.error: {message.text} ({where})")

    def _failed(self, request) -> None:
        # ERR_ABORTED: the page navigated away before the load finished (e.g. the search index
        # still loading when a link is followed). Not a broken resource.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url}: {request.failure}")

    def goto(self, page: str = "") -> None:
        self.page.goto(self.site.url(page), wait_until="load")

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no failed load, nothing but local requests."""
        self.checked = True
        assert self.requests, "no request recorded at all: the recorder is broken"
        foreign = sorted({u for u in self.requests if not self.site.is_local(u)})
        assert not foreign, f"{self.site.name}: requests leave {self.site.origin}: {foreign}"
        assert not self.console_errors, f"{self.site.name}: console errors: {self.console_errors}"
        assert not self.failed, f"{self.site.name}: failed loads: {self.failed}"


def open_tab(chromium, site: Site, viewport: dict | None = None, color_scheme: str = "light"):
    """A fresh browser context on `site` (a reader's screen size and system colour scheme), its
    page recorded; on leaving, the page must have been clean."""
    context = chromium.new_context(
        viewport=viewport or VIEWPORT,
        device_scale_factor=1,
        locale="en-GB",
        color_scheme=color_scheme,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    recorder = Tab(page, site)
    recorder.attach(page)
    context.on("page", lambda p: recorder.attach(p) if p is not page else None)
    try:
        yield recorder
    finally:
        context.close()
    if not recorder.checked:  # every test's page must also be clean
        recorder.assert_clean()


@pytest.fixture
def tab(browser, site: Site):
    yield from open_tab(browser, site)


@pytest.fixture
def bare_tab(bare_browser, site: Site):
    yield from open_tab(bare_browser, site)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
