"""The loader never changes what the editor wrote; it refuses what it must, with line and column."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from scratch import write

from generator.load import MAX_DEPTH, MAX_FILE_BYTES, load_file, load_records, parse_text
from generator.pipeline import check


def codes(problems) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in problems]


@pytest.mark.parametrize(
    "written",
    [
        "NO",
        "no",
        "yes",
        "Yes",
        "on",
        "off",
        "y",
        "n",
        "true",
        "False",
        "1:20",
        "1.10",
        "1.0",
        "012",
        "0x1F",
        "1e3",
        ".inf",
        ".NaN",
        "2025-06-26",
        "2025-06",
        "2025",
        "2025-06-26 10:00:00",
    ],
)
def test_yaml_1_1_implicit_types_stay_strings(tmp_path: Path, written: str) -> None:
    record, problems = load_file(write(tmp_path / "x.yml", f"value: {written}\n"), "topics")
    assert problems == []
    assert record is not None and record.data == {"value": written}


def test_yaml_1_1_words_survive_the_whole_pipeline(tmp_path: Path) -> None:
    """`NO` is a topic name, `on` an alias, `1:20` and `1.10` stay as written, dates unpadded."""
    content = tmp_path / "content"
    write(content / "sources" / "src.yml", "title: 1.10\nkind: news\npublished: 2025-06\n")
    write(
        content / "topics" / "norway.yml",
        "name: NO\naliases: [yes, on, 1:20, 1.10, 007]\ncite: [src]\nstatus: confirmed\n",
    )
    checked = check(content)
    assert checked.problems == []
    topic = checked.facts.get("norway").data
    assert topic.name == "NO"
    assert topic.aliases == ["yes", "on", "1:20", "1.10", "007"]
    source = checked.facts.get("src").data
    assert (source.title, source.published) == ("1.10", "2025-06")


@pytest.mark.parametrize("written", ["", "~", "null", "Null", "NULL"])
def test_only_empty_tilde_and_null_are_null(tmp_path: Path, written: str) -> None:
    record, _ = load_file(write(tmp_path / "x.yml", f"value: {written}\n"), "topics")
    assert record is not None and record.data == {"value": None}


@pytest.mark.parametrize("written", ["'null'", '"~"', "''"])
def test_quoted_null_words_stay_strings(tmp_path: Path, written: str) -> None:
    record, _ = load_file(write(tmp_path / "x.yml", f"value: {written}\n"), "topics")
    assert record is not None and record.data == {"value": written[1:-1]}


def test_explicit_standard_tags_are_honoured(tmp_path: Path) -> None:
    text = "a: !!str 1.10\nb: !!int 5\nc: !!bool yes\nd: !!float 1.5\ne: !!null ''\n"
    record, problems = load_file(write(tmp_path / "x.yml", text), "topics")
    assert problems == []
    assert record.data == {"a": "1.10", "b": 5, "c": True, "d": 1.5, "e": None}


def test_positions_of_keys_and_list_items(tmp_path: Path) -> None:
    text = (
        "# comment\n"
        "title: Talks\n"
        "participants:\n"
        "  - actor: rajnath-singh\n"
        "    role: principal\n"
        "  - actor: andrey-belousov\n"
        "topics: [a, b]\n"
    )
    record, problems = load_file(write(tmp_path / "talks.yml", text), "meetings")
    assert problems == []
    assert record.position(()) == (2, 1)
    assert record.position(("title",)) == (2, 1)
    assert record.position(("participants", 0)) == (4, 5)
    assert record.position(("participants", 0, "role")) == (5, 5)
    assert record.position(("participants", 1, "actor")) == (6, 5)
    assert record.position(("topics", 1)) == (7, 13)
    # a location that has no position of its own falls back to its nearest ancestor
    assert record.position(("participants", 1, "post")) == (6, 5)
    assert record.position(("summary",)) == (2, 1)


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    text = "name: A\nsummary: one\naliases: []\nsummary: two\n"
    record, problems = load_file(write(tmp_path / "x.yml", text), "topics")
    assert record is None
    assert codes(problems) == [(4, "yaml.duplicate-key")]
    assert "line 2" in problems[0].message


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yml", b"\xef\xbb\xbfname: Counter-terrorism\nstatus: confirmed\n")
    record, problems = load_file(path, "topics")
    assert problems == []
    assert record.data == {"name": "Counter-terrorism", "status": "confirmed"}
    assert record.position(("status",)) == (2, 1)


def test_crlf_line_endings_are_fine(tmp_path: Path) -> None:
    record, problems = load_file(
        write(tmp_path / "x.yml", b"name: A\r\nstatus: confirmed\r\n"), "topics"
    )
    assert problems == [] and record.data == {"name": "A", "status": "confirmed"}


def test_non_utf8_is_reported_at_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yml", "name: A\nsummary: caf\xe9\n".encode("latin-1"))
    record, problems = load_file(path, "topics")
    assert record is None
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 13, "file.encoding")]
    assert "0xe9" in problems[0].message


def test_control_character_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yml", "name: A\nsummary: Андрей\x07\n")
    record, problems = load_file(path, "topics")
    assert record is None
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 16, "yaml.syntax")]
    assert "U+0007" in problems[0].message


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    head = "name: Big\nsummary: "
    at_limit = write(tmp_path / "at.yml", head + "a" * (MAX_FILE_BYTES - len(head) - 1) + "\n")
    over = write(tmp_path / "over.yml", head + "a" * (MAX_FILE_BYTES - len(head)) + "\n")
    assert at_limit.stat().st_size == MAX_FILE_BYTES
    record, problems = load_file(at_limit, "topics")
    assert problems == [] and record is not None
    record, problems = load_file(over, "topics")
    assert record is None
    assert codes(problems) == [(1, "file.too-large")]
    assert str(MAX_FILE_BYTES) in problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name: A\naliases:\n\t- b\n", 3, 1),
        ("\tname: A\n", 1, 1),
        ("name: A\nsummary: x\n  \tcite: y\n", 3, 3),
    ],
)
def test_tab_indentation(tmp_path: Path, text: str, line: int, column: int) -> None:
    record, problems = load_file(write(tmp_path / "x.yml", text), "topics")
    assert record is None
    assert [(p.line, p.column, p.code) for p in problems] == [(line, column, "yaml.tab")]


def test_a_tab_inside_a_value_is_just_text(tmp_path: Path) -> None:
    record, problems = load_file(write(tmp_path / "x.yml", 'name:\tA\nsummary: "a\tb"\n'), "topics")
    assert problems == [] and record.data == {"name": "A", "summary": "a\tb"}


@pytest.mark.parametrize(
    "text", ["", "\n\n", "   \n", "# only a comment\n", "---\n", "---\n...\n", "~\n", "null\n"]
)
def test_empty_file(tmp_path: Path, text: str) -> None:
    record, problems = load_file(write(tmp_path / "x.yml", text), "topics")
    assert record is None
    assert codes(problems) == [(1, "yaml.empty")]


BOMB = "".join(
    [
        "name: Lots of laughs\n",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(
            f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "summary: *i\n",
    ]
)


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    path = write(tmp_path / "laughs.yml", BOMB)
    start = time.perf_counter()
    record, problems = load_file(path, "topics")
    elapsed = time.perf_counter() - start
    assert record is None
    assert codes(problems) == [(2, "yaml.anchor")]
    assert elapsed < 1.0  # a sanity bound: it must refuse, not expand 9**9 strings


def test_anchor_is_refused_even_when_never_aliased(tmp_path: Path) -> None:
    record, problems = load_file(write(tmp_path / "x.yml", "name: A\nsummary: &s text\n"), "topics")
    assert record is None and codes(problems) == [(2, "yaml.anchor")]


def test_asterisks_and_ampersands_in_quoted_text_are_fine(tmp_path: Path) -> None:
    text = 'name: R&D\nsummary: "*Not* an alias & not an anchor"\n'
    record, problems = load_file(write(tmp_path / "x.yml", text), "topics")
    assert problems == []
    assert record.data["summary"] == "*Not* an alias & not an anchor"


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system",
        "!!python/object:collections.OrderedDict {}",
        "!!binary aGVsbG8=",
        "!!timestamp-ish x",
        "!foo bar",
        "!<tag:example.com,2000:thing> x",
        "!!set {a, b}",
        "!!omap [a: 1]",
    ],
)
def test_non_standard_tags_are_refused(tmp_path: Path, value: str) -> None:
    record, problems = load_file(
        write(tmp_path / "x.yml", f"name: A\nsummary: {value}\n"), "topics"
    )
    assert record is None
    assert codes(problems) == [(2, "yaml.tag")]


def test_merge_key_is_refused(tmp_path: Path) -> None:
    record, problems = load_file(
        write(tmp_path / "x.yml", "name: A\n<<: {status: confirmed}\n"), "topics"
    )
    assert record is None and codes(problems) == [(2, "yaml.merge")]


def test_quoted_merge_key_is_an_ordinary_key(tmp_path: Path) -> None:
    record, problems = load_file(write(tmp_path / "x.yml", "name: A\n'<<': b\n"), "topics")
    assert problems == [] and record.data == {"name": "A", "<<": "b"}


def test_nesting_is_capped(tmp_path: Path) -> None:
    ok = "name: A\nsummary: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    record, problems = load_file(write(tmp_path / "ok.yml", ok), "topics")
    assert problems == [] and record is not None
    deep = "name: A\nsummary: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    record, problems = load_file(write(tmp_path / "deep.yml", deep), "topics")
    assert record is None and codes(problems) == [(2, "yaml.too-deep")]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 60_000 + "]" * 60_000 + "\n",  # flow: crashed the C composer before
        "a:\n" + "- " * 60_000 + "x\n",  # compact block sequences
        "a: " + "[" * 3_000 + "]" * 3_000 + "\n",  # small enough to skip the scan
    ],
    ids=["flow-60000", "block-60000", "flow-3000"],
)
def test_deep_nesting_never_crashes(tmp_path: Path, text: str) -> None:
    """Run in a child process: a regression here is a segfault, not an exception."""
    path = write(tmp_path / "content" / "topics" / "deep.yml", text)
    assert path.stat().st_size < MAX_FILE_BYTES
    run = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(tmp_path / "content")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1, run.stderr
    assert "[yaml.too-deep]" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_parse_text_gives_plain_values_and_positions() -> None:
    data, positions = parse_text("name: A\naliases:\n  - b\n")
    assert data == {"name": "A", "aliases": ["b"]}
    assert positions[("aliases", 0)] == (3, 5)


def test_load_records_reads_every_type_in_order(valid_content: Path) -> None:
    loaded = load_records(valid_content)
    assert loaded.problems == []
    assert loaded.files == len(list(valid_content.glob("*/*.yml")))
    types = [r.type for r in loaded.records]
    order = ["actors", "places", "meetings", "positions", "topics", "sources"]
    assert types == sorted(types, key=order.index)


def test_dot_files_that_are_not_yaml_and_dot_folders_are_ignored(valid_content: Path) -> None:
    write(valid_content / "actors" / ".DS_Store", b"\x00\x01binary")
    write(valid_content / "actors" / ".gitkeep", "")
    write(valid_content / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(valid_content / "actors" / ".drafts" / "x.yml", "name: [unclosed\n")
    write(valid_content / "README.md", "Notes for editors.\n")
    loaded = load_records(valid_content)
    assert loaded.problems == []
    assert loaded.files == len(list(valid_content.glob("*/[!.]*.yml")))


def test_a_hidden_yaml_file_is_an_error_not_skipped(valid_content: Path) -> None:
    write(valid_content / "actors" / ".draft.yml", "not: [valid\n")
    write(valid_content / ".stray.yaml", "name: x\n")
    assert sorted((Path(p.path).name, p.code) for p in load_records(valid_content).problems) == [
        (".draft.yml", "content.hidden-file"),
        (".stray.yaml", "content.hidden-file"),
    ]


def test_yaml_extension_is_refused_with_a_rename_hint(valid_content: Path) -> None:
    (valid_content / "actors" / "india.yml").rename(valid_content / "actors" / "india.yaml")
    problems = [p for p in check(valid_content).problems if p.is_error]
    assert [(Path(p.path).name, p.code) for p in problems][0] == ("india.yaml", "file.extension")
    assert "rename it to 'india.yml'" in problems[0].message


def test_missing_content_folder(tmp_path: Path) -> None:
    loaded = load_records(tmp_path / "nowhere")
    assert [p.code for p in loaded.problems] == ["content.missing"]
