"""Build a real site from a content tree in a scratch folder (shared by the site and browser tests)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("mkdocs.yml", "overrides", "docs", "templates")

# Debian's Chromium, started as root on a machine with no network to spare (see mkdocs-notes).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


# A build as `make site` runs it: reproducible dates, no warning banner, online.
BUILD_ENV = {
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
    "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1750896000"),
    "OFFLINE": "false",
}


def copy_project(workdir: Path) -> Path:
    """Copy the project's site configuration (mkdocs.yml, overrides, docs, templates) into
    `workdir`; return it."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, dirs_exist_ok=True)
        else:
            shutil.copy2(source, workdir / name)
    return workdir


def git_env(workdir: Path, when: str | None = None, **extra: str) -> dict[str, str]:
    """An environment in which git sees only the repository at `workdir` (none of the machine's
    configuration, no enclosing repository) and commits as one editor, at `when` if given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_CEILING_DIRECTORIES=str(workdir.parent),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Fact Editor",
        GIT_AUTHOR_EMAIL="editor@example.org",
        GIT_COMMITTER_NAME="Fact Editor",
        GIT_COMMITTER_EMAIL="editor@example.org",
    )
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    env.update(extra)
    return env


def prepare(workdir: Path, content: Path) -> Path:
    """Copy the project's site configuration and `content` into `workdir`; return it."""
    copy_project(workdir)
    if (workdir / "content").exists():
        shutil.rmtree(workdir / "content")
    shutil.copytree(content, workdir / "content")
    return workdir


def mkdocs_build(
    workdir: Path,
    *,
    site_dir: str = "site",
    offline: bool = False,
    env: dict | None = None,
    engine: str = "mkdocs",
) -> subprocess.CompletedProcess:
    """Run a real `mkdocs build --strict` in `workdir` (`engine="properdocs"`: the same build with
    ProperDocs, the maintained fork of MkDocs)."""
    full_env = {
        **os.environ,
        **BUILD_ENV,
        "OFFLINE": "true" if offline else "false",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", engine, "build", "--strict", "-d", site_dir],
        cwd=workdir,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Html(HTMLParser):
    """Collect links, ids, scripts, headings and text of a built page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[dict, str]] = []
        self.attributes: list[tuple[str, dict]] = []
        self.title = ""
        self.h1 = ""
        self.text_parts: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._in_article = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attributes.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "name" in attrs and tag == "a":
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag == "article":
            self._in_article += 1
        self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "article":
            self._in_article -= 1

    def handle_data(self, data):
        if not self._stack:
            return
        tag, attrs = self._stack[-1]
        if tag == "script":
            self.scripts.append((attrs, data))
        elif tag == "title":
            self.title += data
        elif tag == "h1" or any(t == "h1" for t, _ in self._stack):
            self.h1 += data if self._in_article else ""
        if self._in_article:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def parse(path: Path) -> Html:
    return Html(path.read_text(encoding="utf-8"))
