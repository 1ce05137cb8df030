"""What the loader reads from a content tree, and what it refuses rather than skip: symbolic
links (never followed: git stores them, so a pull request could publish any file of the build
machine), pipes, and a content folder that is missing for `factsheet changes`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import build, check

from .conftest import VALID, copy_content

ROOT = Path(__file__).resolve().parents[1]
SECRET = "TOP-SECRET-build-machine-file"


def validate(content: Path) -> tuple[int, list[tuple[str, str]], str]:
    result = CliRunner().invoke(main, ["validate", str(content), "--format", "json"])
    assert "Traceback" not in result.output
    report = json.loads(result.output)
    return (
        result.exit_code,
        [(Path(p["path"]).name, p["code"]) for p in report["problems"]],
        result.output,
    )


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A YAML file outside content/ that reads as a valid record."""
    path = tmp_path / "outside" / "secret.yml"
    path.parent.mkdir()
    path.write_text(f"name: {SECRET}\ncite: [seed-article]\nstatus: confirmed\n", "utf-8")
    return path


@pytest.mark.parametrize("link", ["topics/leak.yml", "topics/relative.yml", "topics/dangling.yml"])
def test_a_symlinked_record_is_refused_and_never_read(
    link: str, valid_content: Path, secret: Path
) -> None:
    target = {
        "topics/leak.yml": secret,
        "topics/relative.yml": Path(os.path.relpath(secret, valid_content / "topics")),
        "topics/dangling.yml": valid_content / "topics" / "gone.yml",
    }[link]
    (valid_content / link).symlink_to(target)
    code, problems, output = validate(valid_content)
    assert code == 1
    assert problems == [(Path(link).name, "content.symlink")]
    assert SECRET not in output
    built = build(valid_content, ROOT / "templates")
    assert not built.pages and not built.assets  # nothing is published


def test_a_symlinked_type_folder_is_refused(valid_content: Path, secret: Path) -> None:
    (valid_content / "topics").rename(valid_content.parent / "topics-elsewhere")
    (valid_content / "topics").symlink_to(valid_content.parent / "topics-elsewhere")
    code, problems, _ = validate(valid_content)
    assert code == 1
    assert ("topics", "content.symlink") in problems
    assert not any(name.endswith(".yml") and c == "content.symlink" for name, c in problems)


def test_a_symlink_to_a_folder_inside_a_type_folder_is_refused(valid_content: Path) -> None:
    (valid_content / "topics" / "more").symlink_to(valid_content / "actors")
    assert validate(valid_content)[1] == [("more", "content.symlink")]


def test_a_pipe_is_refused_not_read(valid_content: Path) -> None:
    os.mkfifo(valid_content / "topics" / "pipe.yml")  # reading it would block the build forever
    assert validate(valid_content)[1] == [("pipe.yml", "content.not-a-file")]


def test_a_content_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "content").write_text("not a folder\n", "utf-8")
    assert [p.code for p in check(tmp_path / "content").problems] == ["content.missing"]


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "E",
        "GIT_AUTHOR_EMAIL": "e@example.org",
        "GIT_COMMITTER_NAME": "E",
        "GIT_COMMITTER_EMAIL": "e@example.org",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_changes_refuses_a_symlink_committed_to_a_revision(
    tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    copy_content(VALID, repo / "content")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    (repo / "content" / "topics" / "leak.yml").symlink_to(secret)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a pull request adds a link")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["changes", "main~1", "main"])
    assert result.exit_code == 1, result.output
    assert "content/topics/leak.yml:1:1: error: " in result.stdout
    assert "[content.symlink]" in result.stdout
    assert SECRET not in result.stdout


def test_changes_with_a_missing_content_folder_names_the_folder_not_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not a git repository either
    result = CliRunner().invoke(main, ["changes", "--content", "nowhere"])
    assert result.exit_code == 2
    assert "content folder 'nowhere' not found" in result.stderr
    assert "git" not in result.stderr
