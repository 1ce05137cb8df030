"""Renames and history in a real site: old addresses redirect, pages say when they last changed.

A small content tree (written below) is built with the project's mkdocs.yml, overrides/, docs/
and templates/ in a scratch folder, once inside a git repository and once outside any.
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from scratch import write_tree
from sitebuild import copy_project, git_env

from generator import pipeline
from generator.history import last_updated
from generator.render import redirect_map

ROOT = Path(__file__).resolve().parent.parent
EDIT_URL = "https://github.com/example/factsheets/edit/main/{path}"

CONTENT = {
    "sources/src.yml": "title: A report\nkind: news\n",
    "actors/india.yml": "kind: state\nname: India\ncite: [src]\nstatus: confirmed\n",
    "actors/rajnath-singh.yml": (
        "kind: person\nname: Rajnath Singh\ncountry: india\n"
        "former_ids: [singh-rajnath, rajnath]\ncite: [src]\nstatus: confirmed\n"
    ),
    "meetings/talks.yml": (
        "title: Defence talks\nkind: bilateral\ndate: 2025-06-26\n"
        "participants:\n  - actor: rajnath-singh\n    role: principal\n"
        "summary: '[[rajnath-singh]] met his counterpart.'\ncite: [src]\nstatus: confirmed\n"
    ),
}
FIRST_COMMIT = "2025-06-20T10:00:00+00:00"
SECOND_COMMIT = "2025-06-27T10:00:00+00:00"


def write_content(root: Path, files: dict[str, str]) -> Path:
    return write_tree(root / "content", files)


def prepare(workdir: Path) -> Path:
    """The project's site configuration and the content above, in `workdir`."""
    write_content(copy_project(workdir), CONTENT)
    return workdir


def isolated_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = git_env(workdir)
    env.pop("FACTSHEETS_EDIT_URL", None)
    env.update(
        NO_MKDOCS_2_WARNING="1",
        DISABLE_MKDOCS_2_WARNING="true",
        SOURCE_DATE_EPOCH="1750896000",
        OFFLINE="false",
        **extra,
    )
    return env


def git_commit(workdir: Path, message: str, when: str) -> None:
    env = git_env(workdir, when)
    subprocess.run(["git", "-C", str(workdir), "add", "--all"], env=env, check=True)
    commit = ["git", "-C", str(workdir), "commit", "--quiet", "-m", message]
    subprocess.run(commit, env=env, check=True)


def mkdocs_build(workdir: Path, **env: str) -> Path:
    mkdocs = ROOT / ".venv/bin/mkdocs"
    command = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    result = subprocess.run(
        [*command, "build", "--strict"],
        cwd=workdir,
        env=isolated_env(workdir, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return workdir / "site"


@pytest.fixture(scope="module")
def git_site(tmp_path_factory) -> Path:
    """Built inside git: everything committed on 20 June, the meeting edited again on 27 June."""
    workdir = prepare(tmp_path_factory.mktemp("renames") / "in-git")
    subprocess.run(["git", "init", "--quiet", "-b", "main", str(workdir)], check=True)
    git_commit(workdir, "first", FIRST_COMMIT)
    meeting = workdir / "content/meetings/talks.yml"
    meeting.write_text(meeting.read_text().replace("kind: bilateral", "kind: visit"))
    git_commit(workdir, "edit the meeting", SECOND_COMMIT)
    return mkdocs_build(workdir, FACTSHEETS_EDIT_URL=EDIT_URL)


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory) -> Path:
    """Built from a folder that is no git repository, without an edit URL."""
    workdir = prepare(tmp_path_factory.mktemp("renames") / "no-git")
    return mkdocs_build(workdir)


class Page(HTMLParser):
    """The parts of a built page these tests look at."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.refresh: str | None = None
        self.canonical: str | None = None
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.h1 = ""
        self._href: str | None = None
        self._text: list[str] = []
        self._in_h1 = False
        self.text_parts: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.refresh = attrs["content"].split("url=", 1)[1].strip()
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "a":
            self._href, self._text = attrs.get("href"), []
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._href is not None:
            self._text.append(data)
        if self._in_h1:
            self.h1 += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def resolve(site: Path, page_url: str, href: str) -> Path:
    """The file a relative link on the page at `page_url` (e.g. actors/x/) leads to."""
    target = posixpath.normpath(posixpath.join(page_url, href.split("#")[0]))
    path = site / target
    return path / "index.html" if href.endswith("/") or path.is_dir() else path


# ---------------------------------------------------------------------------------------------
# Redirects


@pytest.mark.parametrize("old", ["singh-rajnath", "rajnath"])
def test_each_former_id_redirects_to_the_record(git_site, old):
    old_page = git_site / "actors" / old / "index.html"
    assert old_page.is_file()
    page = Page(old_page)
    assert page.refresh == page.canonical == "../rajnath-singh/"
    target = resolve(git_site, f"actors/{old}/", page.refresh)
    assert target == git_site / "actors/rajnath-singh/index.html"
    assert target.is_file()
    assert Page(target).h1.strip().startswith("Rajnath Singh")


def test_redirects_work_outside_git_too(plain_site):
    page = Page(plain_site / "actors/singh-rajnath/index.html")
    assert resolve(plain_site, "actors/singh-rajnath/", page.refresh).is_file()


def test_pages_link_to_the_new_address(git_site):
    meeting = Page(git_site / "meetings/talks/index.html")
    hrefs = [href for href, _ in meeting.links]
    assert "../../actors/rajnath-singh/" in hrefs
    assert not any("singh-rajnath" in href for href in hrefs)


def test_redirect_map_has_one_entry_per_former_id(tmp_path):
    checked = pipeline.check(write_content(tmp_path, CONTENT))
    assert checked.ok, checked.problems
    assert redirect_map(checked.facts) == {
        "actors/rajnath.md": "actors/rajnath-singh.md",
        "actors/singh-rajnath.md": "actors/rajnath-singh.md",
    }


def test_an_old_id_used_as_a_reference_is_an_error_naming_the_new_id(tmp_path):
    files = dict(CONTENT)
    files["meetings/talks.yml"] = files["meetings/talks.yml"].replace(
        "actor: rajnath-singh", "actor: singh-rajnath"
    )
    checked = pipeline.check(write_content(tmp_path, files))
    assert not checked.ok
    errors = [(Path(p.path).name, p.line, p.code) for p in checked.problems if p.is_error]
    assert errors == [("talks.yml", 5, "link.renamed")]
    assert "'rajnath-singh'" in checked.problems[0].message


# ---------------------------------------------------------------------------------------------
# Last updated, edit link


def _footer(site: Path, url: str) -> Page:
    return Page(site / url / "index.html")


def test_last_updated_comes_from_each_file_s_own_history(git_site):
    actor = _footer(git_site, "actors/rajnath-singh").text
    meeting = _footer(git_site, "meetings/talks").text
    assert "last updated 20 June 2025" in actor
    assert "last updated 27 June 2025" in meeting


def test_edit_link_points_at_the_yaml_file(git_site):
    links = _footer(git_site, "actors/rajnath-singh").links
    assert (
        "https://github.com/example/factsheets/edit/main/content/actors/rajnath-singh.yml",
        "Edit this record",
    ) in links


def test_outside_git_no_last_updated_and_no_crash(plain_site):
    page = _footer(plain_site, "actors/rajnath-singh")
    assert "Rajnath Singh" in page.text
    assert "last updated" not in page.text.lower()
    assert not any("Edit this record" in label for _, label in page.links)


def test_last_updated_is_empty_without_git(tmp_path, monkeypatch):
    content = write_content(tmp_path, CONTENT)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert last_updated(content) == {}
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # no git program at all
    assert last_updated(content) == {}
