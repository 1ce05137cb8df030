"""The tree `factsheet generate` writes is safe in another engine: Zensical builds it, and no page
carries a script, an event handler or a javascript: address from the content.

Two trees: hostile content that validates (HTML payloads in every text field), and pages rendered
from content the validator refused (attribute lists, javascript: links), to show that the wall in
the renderer holds on its own, whatever engine turns the Markdown into HTML.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sitebuild import ROOT
from test_site import _hostile_content

from generator.cli import main
from generator.pipeline import Built, check
from generator.render import render_site

ZENSICAL = Path(sys.executable).parent / "zensical"

ATTACKS = [
    '[r](https://example.org){: href="javascript:alert(1)"}',
    '[r](https://example.org){: onclick="alert(1)" }',
    "Para\n{: #__search .md-header hidden }",
    "[x](javascript:alert(1)) and [y][r]\n\n[r]: javascript:alert(2)",
    "`a`<img src=x onerror=alert(1)>`b`",
]


class Article(HTMLParser):
    """What a page's content (Material's/Zensical's <article>) holds: tags, attributes, scripts."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.bad: list[str] = []
        self.seen = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
            self.seen += 1
        if not self.depth:
            return
        if tag in ("script", "iframe", "object", "embed", "img"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            if "javascript:" in (value or "").lower().replace("\t", "").replace("\n", ""):
                self.bad.append(f"<{tag} {name}={value!r}>")
            if name in ("id", "class") and "md-header" in (value or "").split() + ["__search"]:
                self.bad.append(f"<{tag} {name}={value!r}> (the theme's own)")

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1


def _zensical_build(work: Path) -> Path:
    """Build `work`/docs into `work`/site with Zensical and the site's Markdown extensions."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    (work / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {
                "site_name": "second engine",
                "docs_dir": "docs",
                "site_dir": "site",
                "markdown_extensions": config["markdown_extensions"],
            }
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(ZENSICAL), "build", "-f", str(work / "mkdocs.yml")],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return work / "site"


def _assert_clean(site: Path, pages: int) -> None:
    built = sorted(site.rglob("*.html"))
    assert len(built) >= pages
    for html_file in built:
        article = Article(html_file.read_text(encoding="utf-8"))
        assert not article.bad, (html_file, article.bad)
        if html_file.name != "404.html":
            assert article.seen, html_file


@pytest.fixture
def zensical():
    if not ZENSICAL.is_file():
        pytest.fail(f"{ZENSICAL} is missing: `make install` installs the pinned test dependencies")
    return ZENSICAL


def test_zensical_builds_the_generated_tree_of_hostile_content_safely(zensical, tmp_path):
    content = tmp_path / "content"
    _hostile_content(content)
    docs = tmp_path / "docs"
    result = CliRunner().invoke(
        main,
        ["generate", str(content), "--out", str(docs), "--templates", str(ROOT / "templates")],
    )
    assert result.exit_code == 0, result.output
    site = _zensical_build(tmp_path)
    _assert_clean(site, pages=8)
    shown = (site / "meetings" / "m1" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in shown  # the payload is there, as text


def test_zensical_builds_pages_of_refused_text_safely(zensical, tmp_path, valid_content):
    """Text the validator refuses, rendered anyway: the renderer's own wall keeps it inert."""
    for path, attack in zip(sorted(valid_content.rglob("*.yml")), ATTACKS * 40, strict=False):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record["note"] = attack
        path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    checked = check(valid_content)
    refused = {p.code for p in checked.problems}
    assert {"text.attributes", "text.unsafe-link"} <= refused
    pages, assets, _ = render_site(checked.facts, ROOT / "templates")
    Built(checked, pages, assets).write(tmp_path / "build" / "docs")
    assert "javascript:alert" in "".join(pages.values())  # shown as text, never as a link
    _assert_clean(_zensical_build(tmp_path / "build"), pages=len(pages))
