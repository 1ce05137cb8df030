"""A large meeting is summarised on each participant's page (its principals and a count, the
full list on the meeting's page), so every page grows with the facts it shows, not with the
square of the meeting's size; the meetings network links attendees to the principals only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.large_meeting import PRINCIPALS, write_content
from generator import crowds
from generator.pictures import people_graph
from generator.pipeline import build

ROOT = Path(__file__).resolve().parents[1]


def built(tmp_path: Path, n: int):
    content = tmp_path / f"n{n}" / "content"
    write_content(content, n)
    result = build(content, ROOT / "templates")
    assert result.checked.ok, result.problems[:3]
    return result


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[int, object]:
    tmp = tmp_path_factory.mktemp("crowd")
    return {n: built(tmp, n) for n in (40, 160)}


def participant_pages(result) -> dict[str, int]:
    return {p: len(t.encode()) for p, t in result.pages.items() if p.startswith("actors/delegate-")}


def test_participant_pages_do_not_grow_with_the_meeting(sites) -> None:
    small, large = participant_pages(sites[40]), participant_pages(sites[160])
    assert max(large.values()) <= 1.1 * max(small.values())
    total = lambda r: sum(len(t.encode()) for t in r.pages.values())  # noqa: E731
    assert total(sites[160]) <= 1.1 * 4 * total(sites[40])  # 4x the participants: linear


def _row(page: str, meeting: str) -> str:
    """The table row (written as HTML: `page.html()`) that names `meeting`."""
    return next(r for r in re.findall(r"<tr>\n.*?\n</tr>", page, re.S) if meeting in r)


def test_a_delegate_page_names_the_principals_and_counts_the_others(sites) -> None:
    page = sites[160].pages["actors/delegate-00100.md"]
    row = _row(page, "Large summit")
    named = re.findall(r">Delegate (\d{5})</a>", row)
    assert named == [f"{i:05d}" for i in range(PRINCIPALS)]  # the hosts, chairs and principals
    assert f"and {160 - 1 - PRINCIPALS:,} other participants" in row
    assert 'href="../../meetings/large-summit-2025/#participants"' in row
    counterparts = page.split("## Counterparts met", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^<td><a [^>]*>Delegate", counterparts, flags=re.M)) == PRINCIPALS


def test_a_principals_page_names_the_other_principals(sites) -> None:
    page = sites[160].pages["actors/delegate-00000.md"]
    row = _row(page, "Large summit")
    assert re.findall(r">Delegate (\d{5})</a>", row) == [f"{i:05d}" for i in range(1, PRINCIPALS)]
    assert f"and {160 - PRINCIPALS:,} other participants" in row


def test_the_meeting_page_still_lists_everyone(sites) -> None:
    page = sites[160].pages["meetings/large-summit-2025.md"]
    assert len(re.findall(r"^<td><a [^>]*>Delegate \d{5}</a>", page, flags=re.M)) == 160


def test_a_small_meeting_still_lists_every_counterpart(sites) -> None:
    page = sites[160].pages["actors/delegate-00000.md"]
    row = _row(page, "Side talks")
    assert ">Delegate 00001</a>" in row and "other participant" not in row


def test_the_network_links_attendees_to_principals_not_to_everyone(sites) -> None:
    graph = people_graph(sites[160].checked.facts.records)
    assert graph.number_of_nodes() == 160
    # every attendee to each principal (and the principals among themselves), no other pair
    expected = PRINCIPALS * (160 - PRINCIPALS) + PRINCIPALS * (PRINCIPALS - 1) // 2
    assert graph.number_of_edges() == expected
    assert crowds.SHOWN_PRINCIPALS >= PRINCIPALS


def test_calendars_summarise_a_large_meeting_and_grow_linearly(sites) -> None:
    import icalendar

    def calendars(result) -> dict[str, bytes]:
        return {p: b for p, b in result.assets.items() if p.endswith(".ics")}

    small, large = calendars(sites[40]), calendars(sites[160])
    # one calendar per attendee plus the whole list; each attendee's stays the same size
    assert len(large) == 161
    delegate = lambda cals: max(len(b) for p, b in cals.items() if "/actors/" in f"/{p}")  # noqa: E731
    assert delegate(large) <= 1.1 * delegate(small)
    event = next(
        c
        for c in icalendar.Calendar.from_ical(large["feeds/actors/delegate-00100.ics"]).walk(
            "VEVENT"
        )
        if str(c["summary"]) == "Large summit"
    )
    description = str(event["description"]).replace("\n", " ")
    named = re.findall(r"Delegate (\d{5})", description)
    assert named == [f"{i:05d}" for i in range(PRINCIPALS)]
    assert f"and {160 - PRINCIPALS} others (see the page)" in description
