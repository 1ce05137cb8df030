"""Id registry, reference resolution, back-references and did-you-mean, on the valid fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.link import Backref, record_name
from generator.load import parse_text
from generator.model import MODELS, iter_refs, reference_fields
from generator.pipeline import check


@pytest.fixture
def facts(valid_content: Path):
    checked = check(valid_content)
    assert checked.problems == []
    return checked.facts


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_every_record_is_registered_by_id(facts, valid_content: Path) -> None:
    assert set(facts.records) == {p.stem for p in valid_content.glob("*/*.yml")}
    assert [r.id for r in facts.of_type("topics")] == [
        "counter-terrorism",
        "defence-cooperation",
        "qingdao-joint-communique",
    ]


def test_back_references_point_from_the_referring_record(facts) -> None:
    backrefs = facts.backrefs["rajnath-singh"]
    assert Backref("sco-defence-ministers-meeting-2025", ("participants", 1, "actor")) in backrefs
    assert Backref("india-refuses-qingdao-communique", ("expressed_by",)) in backrefs
    assert Backref("singh-belousov-2025-06-26", ("quotes", 0, "by")) in backrefs
    # inline [[rajnath-singh]] in a statement counts as a mention
    assert Backref("india-refuses-qingdao-communique", ("statement",)) in backrefs
    assert "rajnath-singh" in facts.inline_links["india-refuses-qingdao-communique"]


def test_citations_are_back_references_of_sources(facts) -> None:
    cited_by = {b.source for b in facts.backrefs["businesstoday-refuses"]}
    assert cited_by == {"india-refuses-qingdao-communique", "qingdao-joint-communique"}
    paths = {b.path for b in facts.backrefs["businesstoday-refuses"]}
    assert ("disagreements", 0, "cite", 0) in paths


MEETING = """\
title: Talks
kind: bilateral
date: 2025-06-26
place: qingdao
part_of: summit
participants:
  - actor: singh
    on_behalf_of: india
    cite: [s1]
  - actor: [not, an, id]
topics: [defence, {a: b}]
quotes:
  - by: singh
    text: Hello
disagreements:
  - field: date
    value: 2025-06-27
    cite: [s2]
cite: [s1, s3]
status: confirmed
"""
MEETING_REFS = [
    (("cite", 0), "s1"),
    (("cite", 1), "s3"),
    (("disagreements", 0, "cite", 0), "s2"),
    (("place",), "qingdao"),
    (("part_of",), "summit"),
    (("participants", 0, "actor"), "singh"),
    (("participants", 0, "on_behalf_of"), "india"),
    (("participants", 0, "cite", 0), "s1"),
    (("topics", 0), "defence"),
    (("quotes", 0, "by"), "singh"),
]


def test_the_reference_walker_finds_every_reference_in_raw_data_and_skips_wrong_shapes():
    data, _ = parse_text(MEETING)
    found = [(loc, id_) for loc, id_, _ in iter_refs(data, MODELS["meetings"])]
    assert sorted(found) == sorted(MEETING_REFS)


def test_the_reference_walker_reads_validated_records_alike():
    data, _ = parse_text(
        MEETING.replace("  - actor: [not, an, id]\n", "").replace(", {a: b}]", "]")
    )
    record = MODELS["meetings"].model_validate(data)
    assert sorted((loc, id_) for loc, id_, _ in iter_refs(record)) == sorted(MEETING_REFS)


def test_reference_fields_name_each_field_that_holds_ids():
    assert reference_fields(MODELS["meetings"]) == {
        "cite",
        "disagreements.cite",
        "place",
        "part_of",
        "participants.actor",
        "participants.on_behalf_of",
        "participants.cite",
        "topics",
        "quotes.by",
        "quotes.cite",
    }
    assert reference_fields(MODELS["sources"]) == set()


def test_former_ids_map_to_the_current_id(facts) -> None:
    assert facts.renamed == {"singh-rajnath": "rajnath-singh"}


def test_record_names(facts) -> None:
    assert record_name(facts.get("andrey-belousov")) == "Andrey Belousov"
    position = facts.get("india-refuses-qingdao-communique")
    name = record_name(position, facts)
    assert "India" in name and "refused to endorse" in name and "communiqué" in name


def test_did_you_mean_only_suggests_records_of_the_right_type(
    valid_content: Path, monkeypatch
) -> None:
    meeting = valid_content / "meetings" / "singh-belousov-2025-06-26.yml"
    text = meeting.read_text(encoding="utf-8")
    text = text.replace("place: qingdao", "place: rajnath-singg").replace(
        "topics: [defence-cooperation]", "topics: [defence-cooperatoin]"
    )
    _write(meeting, text)
    monkeypatch.chdir(valid_content)
    problems = check(Path(".")).problems
    found = {(p.line, p.code): p.message for p in problems}
    assert set(found) == {(4, "link.unresolved"), (11, "link.unresolved")}
    assert "did you mean" not in found[(4, "link.unresolved")]  # rajnath-singh is no place
    assert "did you mean 'defence-cooperation'" in found[(11, "link.unresolved")]


def test_inline_link_with_spaces_resolves(valid_content: Path) -> None:
    topic = valid_content / "topics" / "defence-cooperation.yml"
    _write(
        topic, topic.read_text(encoding="utf-8") + "summary: Between [[ india ]] and [[russia]].\n"
    )
    checked = check(valid_content)
    assert checked.problems == []
    assert checked.facts.inline_links["defence-cooperation"] == {"india", "russia"}


def test_a_record_linking_to_itself_is_no_back_reference(valid_content: Path) -> None:
    topic = valid_content / "topics" / "defence-cooperation.yml"
    _write(topic, topic.read_text(encoding="utf-8") + "summary: See [[defence-cooperation]].\n")
    checked = check(valid_content)
    assert checked.problems == []
    assert "defence-cooperation" not in checked.facts.inline_links["defence-cooperation"]


def test_a_duplicate_id_is_reported_once_and_references_still_resolve(valid_content: Path) -> None:
    _write(
        valid_content / "topics" / "india.yml",
        "name: India as a topic\ncite: [seed-article]\nstatus: confirmed\n",
    )
    checked = check(valid_content)
    assert [(p.path.rsplit("/", 2)[-2:], p.code) for p in checked.problems] == [
        (["topics", "india.yml"], "id.duplicate")
    ]
    assert checked.facts.get("india").type == "actors"


def test_a_chain_into_a_cycle_reports_only_the_cycle(valid_content: Path) -> None:
    topics = valid_content / "topics"
    _write(topics / "a.yml", "name: A\nparent: b\ncite: [seed-article]\nstatus: confirmed\n")
    _write(topics / "b.yml", "name: B\nparent: a\ncite: [seed-article]\nstatus: confirmed\n")
    _write(topics / "c.yml", "name: C\nparent: a\ncite: [seed-article]\nstatus: confirmed\n")
    problems = check(valid_content).problems
    assert sorted((Path(p.path).name, p.line, p.code) for p in problems) == [
        ("a.yml", 2, "link.parent-cycle"),
        ("b.yml", 2, "link.parent-cycle"),
    ]


def test_removing_a_record_reports_every_reference_to_it(valid_content: Path) -> None:
    (valid_content / "actors" / "andrey-belousov.yml").unlink()
    problems = check(valid_content).problems
    where = sorted((Path(p.path).name, p.line) for p in problems if p.code == "link.unresolved")
    assert where == [
        ("russia-defence-partnership.yml", 2),
        ("sco-defence-ministers-meeting-2025.yml", 13),
        ("singh-belousov-2025-06-26.yml", 9),
    ]
