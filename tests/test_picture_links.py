"""The pictures' links (raw HTML, which no engine treats as Markdown) lead to existing pages.

MkDocs turns Markdown links to `x.md` into page URLs but leaves raw HTML as written, so the
pipeline writes the pictures' links as page URLs (views.html_url): the same pages for the plugin
and for `factsheet generate`, whatever builds them with MkDocs' rules. Zensical resolves links in
raw HTML as it does Markdown links (it would add a `../` to a page URL): `generate --engine
zensical` keeps them `.md` paths. Each tree is built for real and every link in every picture
followed to a file.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from sitebuild import ROOT, mkdocs_build, prepare
from test_second_engine import ZENSICAL, _zensical_build

from generator.cli import main

CONTENT = ROOT / "content"
# pages with pictures: an actor's (who met whom, timeline), a topic's, the meetings index
PICTURED = ("actors/rajnath-singh", "topics/defence-cooperation", "meetings")


class _SvgLinks(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self._svg = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self._svg += tag == "svg"
        href = dict(attrs).get("href")
        if self._svg and tag == "a" and href is not None:
            self.hrefs.append(href)

    def handle_endtag(self, tag):
        self._svg -= tag == "svg" and self._svg > 0


def _broken(site: Path) -> tuple[int, list[str]]:
    """(how many picture links, those that lead to no file) over every page of a built site."""
    count, broken = 0, []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for href in _SvgLinks(text).hrefs:
            count += 1
            parts = urlsplit(href)
            if (
                not (parts.scheme or parts.netloc or parts.path)
                and f'id="{parts.fragment}"' in text
            ):
                continue  # a section of the same page (the meetings by year)
            if parts.scheme or parts.netloc or not parts.path:
                broken.append(f"{page.relative_to(site)}: {href} (not a link to a page)")
                continue
            target = Path(
                posixpath.normpath(posixpath.join(page.parent.as_posix(), unquote(parts.path)))
            )
            if target.is_dir() or parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.resolve().parents:
                broken.append(f"{page.relative_to(site)}: {href}")
    return count, broken


def _pictured(site: Path) -> None:
    for url in PICTURED:
        assert _SvgLinks((site / url / "index.html").read_text(encoding="utf-8")).hrefs, url


def _generate(out: Path, *options: str) -> Path:
    result = CliRunner().invoke(
        main,
        [
            "generate",
            str(CONTENT),
            "--out",
            str(out),
            "--templates",
            str(ROOT / "templates"),
            *options,
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_picture_links_resolve_in_the_mkdocs_site(tmp_path):
    work = prepare(tmp_path / "work", CONTENT)
    result = mkdocs_build(work)
    assert result.returncode == 0, result.stderr[-3000:]
    _pictured(work / "site")
    count, broken = _broken(work / "site")
    assert count > 100 and not broken, broken[:10]


def test_picture_links_resolve_when_mkdocs_builds_the_generated_tree(tmp_path):
    """Plain MkDocs, no factsheets plugin: the generated tree alone must carry the page URLs."""
    _generate(tmp_path / "docs")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    (tmp_path / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {"site_name": "plain", "markdown_extensions": config["markdown_extensions"]}
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    _pictured(tmp_path / "site")
    count, broken = _broken(tmp_path / "site")
    assert count > 100 and not broken, broken[:10]


def test_picture_links_resolve_when_zensical_builds_the_generated_tree(tmp_path):
    if not ZENSICAL.is_file():
        pytest.fail(f"{ZENSICAL} is missing: `make install` installs the pinned test dependencies")
    _generate(tmp_path / "docs", "--engine", "zensical")
    site = _zensical_build(tmp_path)
    _pictured(site)
    count, broken = _broken(site)
    assert count > 100 and not broken, broken[:10]
