"""`factsheet new`: a skeleton whose placeholders `validate` names; filled in, it validates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model import MODELS, TYPES

CONTENT = {
    "sources/src.yml": "title: A report\nkind: news\n",
    "actors/india.yml": (
        "kind: state\nname: India\nformer_ids: [bharat]\ncite: [src]\nstatus: confirmed\n"
    ),
    "topics/defence.yml": "name: Defence\ncite: [src]\nstatus: confirmed\n",
}

# What an editor would write in place of each placeholder, by field name.
FILLED = {
    "name": "Rajnath Singh",
    "title": "Rajnath Singh meets Andrey Belousov",
    "date": "2025-06-26",
    "cite": "src",
    "status": "reported",
    "holder": "india",
    "topic": "defence",
    "stance": "supports",
    "statement": "India supports closer [[defence]] ties.",
}
KINDS = {"actors": "person", "meetings": "bilateral", "sources": "news", "places": "city"}
PLACEHOLDER = re.compile(r'"FILL-ME[^"]*"')


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for name, text in CONTENT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def new(content: Path, *args: str):
    arguments = ["new", *args, "--content", str(content)]
    return CliRunner().invoke(main, arguments, catch_exceptions=False)


def validate(content: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["validate", str(content), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)["problems"]


def fill(path: Path, type_: str) -> None:
    """Replace every placeholder the way an editor would: the value for the field on its line."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if PLACEHOLDER.search(line):
            key = re.match(r"\s*(?:- )?([a-z_]+):", line).group(1)
            value = KINDS[type_] if key == "kind" else FILLED[key]
            line = PLACEHOLDER.sub(json.dumps(value), line)
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_", TYPES)
def test_new_then_fill_then_validate(content, type_):
    result = new(content, type_, "fresh-record")
    assert result.exit_code == 0, result.output
    path = content / type_ / "fresh-record.yml"
    assert result.stdout == f"wrote {path}\n"

    # Unfilled: validate names each placeholder, at its line, and nothing else.
    text = path.read_text(encoding="utf-8")
    expected = [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if "FILL-ME" in line and not line.startswith("#")
    ]
    code, problems = validate(content)
    assert code == 1
    assert sorted((p["line"], p["code"]) for p in problems if p["severity"] == "error") == [
        (line, "placeholder.unfilled") for line in expected
    ]
    errors = [p for p in problems if p["severity"] == "error"]
    assert all(p["path"].endswith(f"{type_}/fresh-record.yml") for p in errors)

    fill(path, type_)
    code, problems = validate(content)
    assert code == 0, problems
    assert [p for p in problems if p["severity"] == "error"] == []


def test_meeting_with_title_writes_the_title_and_placeholders_for_the_rest(content):
    title = "Rajnath Singh meets Andrey Belousov"
    result = new(content, "meeting", "singh-belousov-2025-06-26", "--title", title)
    assert result.exit_code == 0, result.output
    text = (content / "meetings/singh-belousov-2025-06-26.yml").read_text(encoding="utf-8")
    assert "\ntitle: Rajnath Singh meets Andrey Belousov\n" in text
    assert '\nkind: "FILL-ME: a kind from the list above"\n' in text
    assert '\ndate: "FILL-ME: YYYY-MM-DD (or YYYY-MM, YYYY)"\n' in text
    assert '\ncite: ["FILL-ME: source id"]\n' in text
    assert '\nstatus: "FILL-ME: a status from the list above"\n' in text
    # Optional fields are there to uncomment, required ones are not commented out.
    assert "\n# participants:\n#   - actor:" in text
    assert "\n# place:" in text


def test_the_skeleton_lists_the_model_vocabularies_with_their_meanings(content):
    new(content, "meetings", "talks")
    meeting = (content / "meetings/talks.yml").read_text(encoding="utf-8")
    for term, meaning in [
        ("bilateral", "two parties meet"),
        ("call", "a telephone or video call"),
        ("confirmed", "stated by an official source or by several independent reports"),
        ("retracted", "reported once, later withdrawn or shown wrong; kept for the record"),
    ]:
        assert re.search(rf"^#   {re.escape(term)} +{re.escape(meaning)}$", meeting, re.M), term
    new(content, "positions", "stance")
    position = (content / "positions/stance.yml").read_text(encoding="utf-8")
    meaning = "declined to endorse or sign the topic (a document, a declaration)"
    assert re.search(rf"^#   refused-to-endorse +{re.escape(meaning)}$", position, re.M)
    assert not re.search(r"^#   bilateral ", position, re.M)  # each field its own vocabulary


def test_every_field_of_the_model_is_in_the_skeleton(content):
    for type_ in TYPES:
        new(content, type_, f"every-{type_}")
        text = (content / type_ / f"every-{type_}.yml").read_text(encoding="utf-8")
        for name in MODELS[type_].model_fields:
            if name != "former_ids":
                assert re.search(rf"^(# )?{name}:", text, re.M), (type_, name)


def test_a_name_needing_quotes_is_quoted(content):
    result = new(content, "topics", "colons", "--name", "Defence: the #1 issue")
    assert result.exit_code == 0
    text = (content / "topics/colons.yml").read_text(encoding="utf-8")
    assert '\nname: "Defence: the #1 issue"\n' in text


def test_an_uncommented_optional_field_is_named_by_validate(content):
    new(content, "topics", "t", "--name", "T")
    path = content / "topics/t.yml"
    fill(path, "topics")
    text = path.read_text(encoding="utf-8").replace("\n# parent:", "\nparent:")
    path.write_text(text, encoding="utf-8")
    code, problems = validate(content)
    assert code == 1
    assert [p["code"] for p in problems if p["severity"] == "error"] == ["schema.null"]


# ---------------------------------------------------------------------------------------------
# Refusals


def test_refuses_to_overwrite(content):
    before = (content / "topics/defence.yml").read_text(encoding="utf-8")
    result = new(content, "topic", "defence")
    assert result.exit_code == 1
    assert "already exists: refusing to overwrite it" in result.stderr
    assert (content / "topics/defence.yml").read_text(encoding="utf-8") == before


def test_refuses_an_id_used_by_another_type(content):
    result = new(content, "places", "india")
    assert result.exit_code == 1
    assert "id 'india' is already used by" in result.stderr
    assert "actors/india.yml" in result.stderr
    assert not (content / "places/india.yml").exists()


def test_refuses_a_former_id(content):
    result = new(content, "actors", "bharat")
    assert result.exit_code == 1
    assert "id 'bharat' is a former id of 'india'" in result.stderr
    assert not (content / "actors/bharat.yml").exists()


@pytest.mark.parametrize(
    "bad_id", ["Rajnath_Singh", "double--hyphen", "rajnath.singh", "trail-", "ünï", "a b"]
)
def test_refuses_an_invalid_id(content, bad_id):
    result = new(content, "actors", bad_id)
    assert result.exit_code == 2
    assert "is not a valid id" in result.stderr
    assert list((content / "actors").iterdir()) == [content / "actors/india.yml"]


def test_refuses_an_unknown_type(content):
    result = new(content, "people", "x")
    assert result.exit_code == 2
    assert "unknown record type 'people'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["meetings", "m", "--name", "X"], "meetings have no name: use --title"),
        (["actors", "a", "--title", "X"], "actors have no title: use --name"),
        (["positions", "p", "--title", "X"], "positions have no title"),
        (["topics", "t", "--name", "X", "--title", "Y"], "not both"),
        (["topics", "t", "--name", "  "], "must not be empty"),
    ],
)
def test_refuses_a_name_or_title_the_type_has_not(content, args, message):
    result = new(content, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_refuses_a_missing_content_folder(tmp_path):
    result = new(tmp_path / "nowhere", "topics", "t")
    assert result.exit_code == 2
    assert "content folder" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_creates_the_type_folder_when_missing(content):
    result = new(content, "place", "qingdao", "--name", "Qingdao")
    assert result.exit_code == 0
    assert (content / "places/qingdao.yml").is_file()


def test_the_exit_codes_are_those_the_help_states(content):
    result = CliRunner().invoke(main, ["new", "--help"])
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    stated = re.search(
        r"Exit (\d) when written, (\d) when the id is taken, (\d) on a usage", help_text
    )
    assert stated, help_text
    written, taken, usage = (int(code) for code in stated.groups())
    assert new(content, "topics", "trade").exit_code == written
    assert new(content, "topics", "trade").exit_code == taken
    assert new(content, "people", "x").exit_code == usage
    assert sorted({written, taken, usage}) == [0, 1, 2]  # three outcomes, three codes
