"""Schema, vocabularies, dates as intervals, placeholders: the validator reports, never raises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.dates import parse_date
from generator.load import RawRecord, load_file
from generator.model import MODELS
from generator.pipeline import check
from generator.validate import validate_record


def raw(type_: str, data: dict[str, Any], id_: str = "x") -> RawRecord:
    return RawRecord(type_, id_, f"{type_}/{id_}.yml", data, {(): (1, 1)})


def validate_text(tmp_path: Path, type_: str, text: str) -> list[tuple[int, str]]:
    record, problems = load_file(_write(tmp_path / f"{type_}-x.yml", text), type_)
    assert problems == [], problems
    _, problems = validate_record(record)
    return sorted((p.line, p.code) for p in problems)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


MEETING = "title: Talks\nkind: bilateral\ncite: [src]\nstatus: confirmed\n"


# ---------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year"),
        ("2025-06", dt.date(2025, 6, 1), dt.date(2025, 6, 30), "month"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28), "month"),
        ("2025-06-26", dt.date(2025, 6, 26), dt.date(2025, 6, 26), "day"),
        ("2024-02-29", dt.date(2024, 2, 29), dt.date(2024, 2, 29), "day"),
    ],
)
def test_a_date_is_the_interval_it_covers(
    text: str, first: dt.date, last: dt.date, precision: str
) -> None:
    date = parse_date(text)
    assert (date.first, date.last, date.precision, date.text) == (first, last, precision, text)


@pytest.mark.parametrize(
    "text",
    [
        "2025-02-30",
        "2025-02-29",
        "2025-13",
        "2025-00",
        "2025-06-00",
        "2025-06-31",
        "0000",
        "25-06-26",
        "2025-6-1",
        "2025/06/26",
        "26 June 2025",
        "2025-06-26T10:00",
        " 2025",
        "",
    ],
)
def test_invalid_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ("2025-06", "2025-06-15", True),  # the end lies inside the month the start covers
        ("2025-06-15", "2025-06", True),
        ("2025", "2025-03", True),
        ("2025-06-25", "2025-06-25", True),
        ("2025-06-01", "2025-05", False),  # all of May is before 1 June
        ("2025-06-26", "2025-06-25", False),
        ("2025", "2024-12-31", False),
    ],
)
def test_end_before_start_compares_intervals(
    tmp_path: Path, start: str, end: str, ok: bool
) -> None:
    found = validate_text(tmp_path, "meetings", MEETING + f"date: {start}\nend_date: {end}\n")
    assert found == ([] if ok else [(6, "date.order")])


def test_post_end_before_start(tmp_path: Path) -> None:
    text = (
        "kind: person\nname: A\ncite: [src]\nstatus: confirmed\nposts:\n"
        "  - organisation: india\n    title: Minister\n    start: 2024-06\n    end: 2024-06-30\n"
        "  - organisation: india\n    title: Minister\n    start: 2024-06\n    end: 2024-05-31\n"
    )
    assert validate_text(tmp_path, "actors", text) == [(13, "date.order")]


def test_quoted_and_unquoted_dates_are_the_same(tmp_path: Path) -> None:
    assert validate_text(tmp_path, "meetings", MEETING + "date: 2025-06-26\n") == []
    assert validate_text(tmp_path, "meetings", MEETING + "date: '2025-06-26'\n") == []
    assert validate_text(tmp_path, "meetings", MEETING + 'date: "2025-06"\n') == []


def test_date_precision_is_never_padded(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "meetings").mkdir(parents=True)
    (content / "sources").mkdir()
    _write(content / "meetings" / "talks.yml", MEETING + "date: 2025-06\n")
    _write(content / "sources" / "src.yml", "title: A\nkind: news\npublished: 2025\n")
    checked = check(content)
    assert checked.problems == []
    assert checked.facts.get("talks").data.date == "2025-06"
    assert checked.facts.get("src").data.published == "2025"


# ---------------------------------------------------------------------------------------------
# Schema


def test_unknown_field_without_a_close_match_lists_the_allowed_fields(tmp_path: Path) -> None:
    record, _ = load_file(
        _write(tmp_path / "x.yml", "name: A\nwibble: b\ncite: [s]\nstatus: confirmed\n"), "topics"
    )
    _, problems = validate_record(record)
    assert [(p.line, p.code) for p in problems] == [(2, "schema.unknown-field")]
    assert "parent" in problems[0].message and "aliases" in problems[0].message


def test_yes_is_a_string_so_it_is_a_vocabulary_error(tmp_path: Path) -> None:
    record, _ = load_file(_write(tmp_path / "x.yml", "name: A\ncite: [s]\nstatus: yes\n"), "topics")
    _, problems = validate_record(record)
    assert [(p.line, p.code) for p in problems] == [(3, "schema.vocabulary")]
    assert "'yes'" in problems[0].message and "confirmed" in problems[0].message


def test_a_number_where_text_is_expected_is_a_type_error(tmp_path: Path) -> None:
    """Strict: an explicit `!!int` is not silently turned back into text."""
    assert validate_text(tmp_path, "topics", "name: !!int 1\ncite: [s]\nstatus: confirmed\n") == [
        (1, "schema.type")
    ]


def test_null_inside_a_list_item(tmp_path: Path) -> None:
    text = MEETING + "date: 2025\nparticipants:\n  - actor: a\n    role:\n  - ~\n"
    assert validate_text(tmp_path, "meetings", text) == [(8, "schema.null"), (9, "schema.null")]


def test_placeholder_anywhere_is_reported_once(tmp_path: Path) -> None:
    text = MEETING + "date: 2025\nparticipants:\n  - actor: FILL-ME\n    post: fill-me later\n"
    assert validate_text(tmp_path, "meetings", text) == [
        (7, "placeholder.unfilled"),
        (8, "placeholder.unfilled"),
    ]


def test_bad_language_code_and_url(tmp_path: Path) -> None:
    text = "title: A\nkind: news\nlanguage: English\nurl: www.example.com\n"
    assert validate_text(tmp_path, "sources", text) == [(3, "schema.language"), (4, "schema.value")]
    text = "kind: person\nname: A\nnative_names:\n  Russian: Андрей\ncite: [s]\nstatus: confirmed\n"
    assert validate_text(tmp_path, "actors", text) == [(4, "schema.language")]


def test_the_code_comes_with_the_error_not_from_words_in_its_message(tmp_path: Path) -> None:
    """An address that is no web address is `schema.value` even when the words `date` and `day`
    stand in it; a day that does not exist is `schema.date`."""
    text = "title: A\nkind: news\nurl: ftp://update.example/today\nretrieved: 2025-02-30\n"
    assert validate_text(tmp_path, "sources", text) == [(3, "schema.value"), (4, "schema.date")]


def test_empty_lists_are_fine_where_optional(tmp_path: Path) -> None:
    text = "name: A\naliases: []\ndisagreements: []\nformer_ids: []\ncite: [s]\nstatus: confirmed\n"
    assert validate_text(tmp_path, "topics", text) == []


@pytest.mark.parametrize("kind", ["person", "organisation", "state"])
def test_every_actor_kind_is_accepted(kind: str) -> None:
    record, problems = validate_record(
        raw("actors", {"kind": kind, "name": "A", "cite": ["s"], "status": "confirmed"})
    )
    assert problems == [] and record is not None


@pytest.mark.parametrize(
    "stance",
    [
        "supports",
        "endorses",
        "reaffirms",
        "conditional",
        "neutral",
        "opposes",
        "rejects",
        "refused-to-endorse",
    ],
)
def test_every_stance_is_accepted(stance: str) -> None:
    data = {
        "holder": "a",
        "topic": "t",
        "stance": stance,
        "statement": "S.",
        "cite": ["s"],
        "status": "reported",
    }
    record, problems = validate_record(raw("positions", data))
    assert problems == [] and record is not None


@pytest.mark.parametrize("type_", sorted(MODELS))
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": {"nested": [1, None, {"x": []}]}},
        {"cite": [[["s"]]], "status": ["confirmed"]},
        {"participants": "everyone", "posts": {"a": 1}, "quotes": [None, 3, "x"]},
        {"disagreements": [{"field": "?", "value": None, "cite": None}]},
        {"native_names": {"": "", "ru": None}, "identifiers": [1]},
        {"date": True, "end_date": 3.5, "published": ["2025"]},
    ],
    ids=["empty", "nested", "lists", "shapes", "disagreement", "dicts", "dates"],
)
def test_validator_never_raises_on_odd_shapes(type_: str, data: dict) -> None:
    record, problems = validate_record(raw(type_, data))
    assert record is None
    assert problems and all(p.is_error for p in problems)
    assert not any(p.code.startswith("internal") for p in problems), problems


def test_an_internal_failure_is_one_error_with_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(MODELS["topics"], "model_validate", broken)
    record, problems = validate_record(raw("topics", {"name": "A"}))
    assert record is None
    assert [(p.path, p.code) for p in problems] == [("topics/x.yml", "internal.validate")]


MINIMAL = {
    "actors": {"kind": "person", "name": "A", "cite": ["s"], "status": "confirmed"},
    "places": {"name": "A", "cite": ["s"], "status": "confirmed"},
    "meetings": {
        "title": "A",
        "kind": "call",
        "date": "2025",
        "participants": [{"actor": "a"}],
        "cite": ["s"],
        "status": "confirmed",
    },
    "positions": {
        "holder": "a",
        "topic": "t",
        "stance": "neutral",
        "statement": "S.",
        "cite": ["s"],
        "status": "reported",
    },
    "topics": {"name": "A", "cite": ["s"], "status": "confirmed"},
    "sources": {"title": "A", "kind": "news"},
}
TEXT_FIELD = {"actors": "name", "places": "name", "meetings": "title", "positions": "statement"}


@pytest.mark.parametrize("type_", sorted(MINIMAL))
def test_every_type_refuses_an_unknown_field_and_a_number_for_text(type_: str) -> None:
    """No field vanishes unread, at the top or nested, and nothing is silently converted."""
    record, problems = validate_record(raw(type_, MINIMAL[type_]))
    assert problems == [] and record is not None
    data = {**MINIMAL[type_], "colour": "red"}
    text = TEXT_FIELD.get(type_, "title" if type_ == "sources" else "name")
    data[text] = 12
    if type_ == "meetings":
        data["participants"] = [{"actor": "a", "rank": "first"}]
    record, problems = validate_record(raw(type_, data))
    codes = sorted(p.code for p in problems)
    expected = ["schema.type", "schema.unknown-field"]
    if type_ == "meetings":
        expected.append("schema.unknown-field")
    assert record is None and codes == sorted(expected), problems


def test_valid_fixture_records_round_trip_through_safe_dump(valid_content: Path) -> None:
    """What export gives back, written as YAML again, validates to the same record."""
    checked = check(valid_content)
    assert checked.problems == []
    for record in checked.facts.records.values():
        dumped = record.data.model_dump(mode="json", exclude_defaults=True)
        again = yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False)
        path = valid_content / record.type / f"{record.id}.yml"
        path.write_text(again, encoding="utf-8")
    rechecked = check(valid_content)
    assert rechecked.problems == []
    for id_, record in checked.facts.records.items():
        assert rechecked.facts.get(id_).data == record.data
