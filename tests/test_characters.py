"""Control, direction and invisible characters: what the validator and `factsheet changes`
print never carries them raw (a crafted record must not rewrite a reviewer's terminal)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.characters import json_printable, printable
from generator.cli import main

from .conftest import VALID, copy_content

RAW = "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x9b2J\r\u202e\u2066"


def test_printable_escapes_what_a_terminal_would_obey_and_keeps_scripts() -> None:
    text = "राजनाथ सिंह، می\u200cخواهم ക്ഷ\u200d\ttab\nline " + RAW
    shown = printable(text)
    assert shown.startswith("राजनाथ सिंह، می\u200cخواهم ക്ഷ\u200d\ttab\nline ")
    assert "\\x1b]8;;https://evil.example\\x07" in shown and "\\x9b2J\\r\\u202e\\u2066" in shown
    assert not any(c in shown for c in "\x1b\x07\x9b\r\u202e\u2066")


def test_json_printable_keeps_the_data_exact() -> None:
    text = json.dumps({"v": RAW + "\U0001fffe"}, ensure_ascii=False)
    safe = json_printable(text)
    assert json.loads(safe) == {"v": RAW + "\U0001fffe"}
    assert not any(c in safe for c in "\x9b\u202e\u2066\U0001fffe")


def test_validate_output_escapes_a_hostile_file_name(valid_content: Path) -> None:
    hostile = valid_content / "topics" / "\x1b[2Jall-green\x1b[32m.yml"
    hostile.write_text("name: X\ncite: [seed-article]\nstatus: confirmed\n", "utf-8")
    text = CliRunner().invoke(main, ["validate", str(valid_content)]).output
    assert "\x1b" not in text and "\\x1b[2Jall-green" in text and "[id.invalid]" in text
    report = CliRunner().invoke(main, ["validate", str(valid_content), "--format", "json"])
    assert "\x1b" not in report.output
    paths = [p["path"] for p in json.loads(report.output)["problems"]]
    assert str(hostile) in paths  # the JSON still names the file exactly
    github = CliRunner().invoke(main, ["validate", str(valid_content), "--format", "github"])
    assert "\x1b" not in github.output


def test_changes_prints_escapes_not_escape_sequences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    copy_content(VALID, repo / "content")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "E"}
    env |= {"GIT_AUTHOR_EMAIL": "e@x", "GIT_COMMITTER_NAME": "E", "GIT_COMMITTER_EMAIL": "e@x"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    topic = repo / "content" / "topics" / "counter-terrorism.yml"
    topic.write_text(
        topic.read_text("utf-8").replace(
            "name: Counter-terrorism", 'name: "Counter\\e[1A\\e[2K\\rvalid: 0 errors\\u202e"'
        ),
        "utf-8",
    )
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["changes", "main"])
    assert result.exit_code == 1  # the control character is refused by the validator
    assert not any(c in result.stdout for c in "\x1b\r\u202e")
    assert "`Counter\\x1b[1A\\x1b[2K valid: 0 errors\\u202e`" in result.stdout
    assert "[text.control-character]" in result.stdout
