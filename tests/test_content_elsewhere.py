"""A site whose content folder is not `content/` at the repository's top: dates and edit links.

The repository holds the MkDocs project in `web/`, and the records in `web/data/records/` (the
plugin's `content` option points there). Git names the files `web/data/records/<type>/<id>.yml`:
that is what "Last updated" must be looked up under, and what an edit link must point at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from scratch import write_tree
from sitebuild import BUILD_ENV, git_env

ROOT = Path(__file__).resolve().parent.parent
EDIT_URL = "https://git.example.org/edit/main/{path}"
RECORDS = {
    "sources/src.yml": "title: A report\nkind: news\n",
    "actors/india.yml": "kind: state\nname: India\ncite: [src]\nstatus: confirmed\n",
    "meetings/talks.yml": (
        "title: Defence talks\nkind: bilateral\ndate: 2025-06-26\n"
        "participants:\n  - actor: india\n    role: principal\ncite: [src]\nstatus: confirmed\n"
    ),
}
FIRST, SECOND = "2025-06-20T10:00:00+00:00", "2025-06-27T10:00:00+00:00"


def _env(repo: Path) -> dict[str, str]:
    return git_env(repo, **BUILD_ENV, FACTSHEETS_CACHE="off", FACTSHEETS_EDIT_URL=EDIT_URL)


def _commit(repo: Path, message: str, when: str) -> None:
    env = git_env(repo, when)
    subprocess.run(["git", "-C", str(repo), "add", "--all"], env=env, check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], env=env, check=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """web/ holds the project, web/data/records/ the content; the meeting edited a week later."""
    repo = tmp_path_factory.mktemp("elsewhere") / "repo"
    web = repo / "web"
    for name in ("overrides", "docs", "templates"):
        shutil.copytree(ROOT / name, web / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    moved = config.replace("content: content", "content: data/records")
    moved = moved.replace("watch:\n  - content\n", "watch:\n  - data/records\n")
    assert moved.count("data/records") == 2, "mkdocs.yml changed: update this test"
    (web / "mkdocs.yml").write_text(moved, encoding="utf-8")
    write_tree(web / "data/records", RECORDS)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _commit(repo, "first", FIRST)
    meeting = web / "data/records/meetings/talks.yml"
    meeting.write_text(meeting.read_text().replace("kind: bilateral", "kind: visit"))
    _commit(repo, "edit the meeting", SECOND)
    return repo


def _run(repo: Path, *command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=repo / "web",
        env=_env(repo),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


class _Footer(HTMLParser):
    """The record footer's text and links of a built page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.parts: list[str] = []
        self._href: str | None = None
        self._label: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._label = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._label).strip()))
            self._href = None

    def handle_data(self, data):
        self.parts.append(data)
        if self._href is not None:
            self._label.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


EXPECTED = {  # page -> (its file as git names it, the day of its last commit)
    "actors/india": ("web/data/records/actors/india.yml", "20 June 2025"),
    "meetings/talks": ("web/data/records/meetings/talks.yml", "27 June 2025"),
}


@pytest.fixture(scope="module")
def built(repo) -> Path:
    _run(repo, "mkdocs", "build", "--strict", "-d", "site")
    return repo / "web/site"


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_built_pages_show_the_date_and_edit_link_of_their_file(built, page):
    path, day = EXPECTED[page]
    footer = _Footer((built / page / "index.html").read_text(encoding="utf-8"))
    assert f"last updated {day}" in footer.text
    assert f"source file {path}" in footer.text
    assert (EDIT_URL.replace("{path}", path), "Edit this record") in footer.links


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_generate_writes_the_same_date_and_edit_link(repo, tmp_path, page):
    out = tmp_path / "out"
    _run(repo, "generator", "generate", "data/records", "--out", str(out), "--edit-url", EDIT_URL)
    path, day = EXPECTED[page]
    markdown = (out / f"{page}.md").read_text(encoding="utf-8")
    footer = re.search(r"Record `.*", markdown)
    assert footer is not None
    assert f"last updated {day}" in footer.group(0)
    assert f"[Edit this record](<{EDIT_URL.replace('{path}', path)}>)" in footer.group(0)
    assert f"source file `{path}`" in footer.group(0)
