"""Record history, the recent-changes page, Atom feeds and calendars, from a real git repository.

A scratch repository gets a scripted series of commits (add, edit a scalar, add a participant, fix
a date, rename with `former_ids`, delete). The history read from it, the pages of a real
`mkdocs build`, the feeds (parsed by feedparser) and the calendars (parsed by icalendar) must hold
exactly the expected entries. A shallow clone must still build; the shipped content, built from a
clone of this repository, must link every feed from its page.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import icalendar
import pytest
from sitebuild import ROOT, copy_project, git_env, mkdocs_build, parse, prepare

from generator import pipeline
from generator.feeds import Publication
from generator.history import read_history

SOURCE = "title: A report\nkind: news\n"
BASE = {
    "sources/src.yml": SOURCE,
    "actors/india.yml": "kind: state\nname: India\ncite: [src]\nstatus: confirmed\n",
    "actors/russia.yml": "kind: state\nname: Russia\ncite: [src]\nstatus: confirmed\n",
    "actors/singh-rajnath.yml": (
        "kind: person\nname: Rajnath Singh\ncountry: india\ncite: [src]\nstatus: confirmed\n"
    ),
    "actors/andrey-belousov.yml": (
        "kind: person\nname: Andrey Belousov\ncountry: russia\ncite: [src]\nstatus: confirmed\n"
    ),
    "places/qingdao.yml": "name: Qingdao\nkind: city\ncite: [src]\nstatus: confirmed\n",
    "topics/security.yml": "name: Security\ncite: [src]\nstatus: confirmed\n",
    "topics/defence-cooperation.yml": (
        "name: Defence cooperation\nparent: security\ncite: [src]\nstatus: confirmed\n"
    ),
    "meetings/talks.yml": (
        "title: Defence talks\nkind: bilateral\ndate: 2025-06-25\nplace: qingdao\n"
        "participants:\n  - actor: singh-rajnath\n    role: principal\n"
        "topics: [defence-cooperation]\ncite: [src]\nstatus: confirmed\n"
    ),
    "meetings/forum.yml": (
        "title: Security forum\nkind: multilateral\ndate: 2025-06-24\nend_date: 2025-06-27\n"
        "place: qingdao\nparticipants:\n  - actor: singh-rajnath\n  - actor: andrey-belousov\n"
        "cite: [src]\nstatus: reported\n"
    ),
    "meetings/summit.yml": (
        "title: Summer summit\nkind: multilateral\ndate: 2025-07\n"
        "participants:\n  - actor: singh-rajnath\ncite: [src]\nstatus: reported\n"
    ),
    "meetings/old-talks.yml": (
        "title: Old talks\nkind: bilateral\ndate: 2025-06-25\n"
        "participants:\n  - actor: andrey-belousov\ncite: [src]\nstatus: reported\n"
    ),
    "positions/singh-on-defence.yml": (
        "holder: india\nexpressed_by: singh-rajnath\ntopic: defence-cooperation\n"
        "stance: supports\ndate: 2025-06-26\nstatement: India supports it.\n"
        "cite: [src]\nstatus: reported\n"
    ),
}
DATES = [f"2025-06-{day}T10:00:00+00:00" for day in range(20, 26)]
SUBJECTS = [
    "Add the Qingdao facts",
    "The talks were a visit",
    "Add Belousov to the talks",
    "Fix the date of the talks",
    "Rename singh-rajnath to rajnath-singh",
    "Remove the duplicate old talks",
]


def git(workdir: Path, *args: str, when: str | None = None) -> str:
    env = git_env(workdir, when)
    result = subprocess.run(
        ["git", "-C", str(workdir), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def commit(workdir: Path, step: int) -> None:
    git(workdir, "add", "--all")
    git(workdir, "commit", "--quiet", "-m", SUBJECTS[step], when=DATES[step])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


def scripted_repository(workdir: Path) -> Path:
    """The project's site files and six commits of content; return the work tree."""
    staging = workdir.parent / "staging"
    for name, text in BASE.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text)
    prepare(workdir, staging)  # the project's mkdocs.yml, overrides, docs, templates
    content = workdir / "content"
    (workdir / ".gitignore").write_text("site/\n")
    git(workdir, "init", "--quiet", "-b", "main")
    commit(workdir, 0)
    talks = content / "meetings/talks.yml"
    edit(talks, "kind: bilateral", "kind: visit")
    commit(workdir, 1)
    edit(talks, "    role: principal\n", "    role: principal\n  - actor: andrey-belousov\n")
    commit(workdir, 2)
    edit(talks, "date: 2025-06-25", "date: 2025-06-26")
    commit(workdir, 3)
    git(workdir, "mv", "content/actors/singh-rajnath.yml", "content/actors/rajnath-singh.yml")
    edit(
        content / "actors/rajnath-singh.yml",
        "country: india\n",
        "country: india\nformer_ids: [singh-rajnath]\n",
    )
    for name in (
        "meetings/talks.yml",
        "meetings/forum.yml",
        "meetings/summit.yml",
        "positions/singh-on-defence.yml",
    ):
        edit(content / name, "singh-rajnath", "rajnath-singh")
    commit(workdir, 4)
    (content / "meetings/old-talks.yml").unlink()
    commit(workdir, 5)
    return workdir


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return scripted_repository(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="module")
def site(repo) -> Path:
    result = mkdocs_build(repo)
    assert result.returncode == 0, result.stderr[-4000:]
    return repo / "site"


def summary(history) -> list[tuple]:
    return [(e.commit.subject, e.kind, e.id, [c.path for c in e.changes]) for e in history.events]


# ---------------------------------------------------------------------------------------------
# The history read from git


def test_history_holds_exactly_the_scripted_changes(repo):
    history = read_history(repo, repo / "content")
    assert history.available and history.commits == 6
    later = summary(history)[:5]
    assert later == [
        ("Remove the duplicate old talks", "removed", "old-talks", []),
        ("Rename singh-rajnath to rajnath-singh", "renamed", "rajnath-singh", []),
        ("Fix the date of the talks", "changed", "talks", ["date"]),
        ("Add Belousov to the talks", "changed", "talks", ["participants"]),
        ("The talks were a visit", "changed", "talks", ["kind"]),
    ]
    first = summary(history)[5:]
    assert {(s, k) for s, k, _, _ in first} == {("Add the Qingdao facts", "added")}
    assert sorted(i for _, _, i, _ in first) == sorted(Path(n).stem for n in BASE)
    renamed = history.events[1]
    assert renamed.former == "singh-rajnath"
    assert [e.commit.date for e in history.events[:5]] == DATES[5:0:-1]


def test_one_log_and_one_batch_read_whatever_the_number_of_records(repo, monkeypatch):
    calls = []
    real = subprocess.run

    def counting(args, *a, **k):
        if args[:1] == ["git"]:
            calls.append(args[3])
        return real(args, *a, **k)

    monkeypatch.setattr(subprocess, "run", counting)
    read_history(repo, repo / "content")
    assert calls == ["rev-parse", "log", "cat-file"]


# ---------------------------------------------------------------------------------------------
# Pages


def history_items(html_file: Path) -> list[str]:
    """The History section's lines as a reader sees them, in order."""
    text = html_file.read_text()
    section = text[text.index('id="history"') : text.index("fs-record-meta")]
    items = re.findall(r"<li>(.*?)(?=<li>|</li>|<ul>)", section, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_meeting_page_history_newest_first_in_readers_words(site):
    page = site / "meetings/talks/index.html"
    assert history_items(page) == [
        "23 June 2025 — Fix the date of the talks",
        "date: 25 June 2025 → 26 June 2025",
        "22 June 2025 — Add Belousov to the talks",
        "participant added: Andrey Belousov",
        "21 June 2025 — The talks were a visit",
        "kind: bilateral → visit",
        "20 June 2025 — Add the Qingdao facts",
        "first published",
    ]
    html = page.read_text()
    assert re.search(
        r"<details class=\"fs-history\">\s*<summary>4 changes · first published 20 June 2025</summary>",
        html,
    )
    assert '<details class="fs-history" open' not in html  # collapsed by default


def test_a_rename_keeps_the_history_from_before(site):
    page = site / "actors/rajnath-singh/index.html"
    assert history_items(page) == [
        "24 June 2025 — Rename singh-rajnath to rajnath-singh",
        "renamed from singh-rajnath",
        "20 June 2025 — Add the Qingdao facts",
        "first published",
    ]
    assert "<code>singh-rajnath</code>" in page.read_text()


def test_changes_page_groups_the_latest_changes_by_day(site):
    page = site / "changes/index.html"
    text = page.read_text()
    days = re.findall(r'<h2 id="day-([\d-]+)">([^<]+)<', text)
    assert days == [(f"2025-06-{d}", f"{d} June 2025") for d in range(25, 19, -1)]
    assert "day-2025-06-25" in parse(page).ids
    section = text[text.index('id="day-2025-06-25"') : text.index('id="day-2025-06-24"')]
    assert (
        "Old talks" in section
        and "removed" in section
        and "<a " not in section.split("Old talks")[0][-60:]
    )
    assert 'href="../meetings/talks/"' in text and 'href="../actors/rajnath-singh/"' in text
    home = (site / "index.html").read_text()
    assert 'href="changes/"' in home


# ---------------------------------------------------------------------------------------------
# Feeds


def feed(site: Path, path: str):
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def test_site_feed_parses_and_carries_links_and_git_dates(site):
    parsed = feed(site, "feeds/changes.xml")
    titles = [e.title for e in parsed.entries]
    assert titles[:5] == [
        "Old talks: removed",
        "Rajnath Singh: renamed from singh-rajnath",
        "Defence talks: changed",
        "Defence talks: changed",
        "Defence talks: changed",
    ]
    assert len(parsed.entries) == 5 + len(BASE)
    assert parsed.feed.updated == "2025-06-25T10:00:00+00:00"
    talks = parsed.entries[2]
    assert talks.updated == "2025-06-23T10:00:00+00:00"
    assert talks.link == "../meetings/talks/"
    assert "date: 25 June 2025 → 26 June 2025" in talks.content[0].value
    assert "links" not in parsed.entries[0] or not parsed.entries[0].get("link")  # gone: no link
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)


def test_actor_feed_holds_its_changes_and_those_of_records_involving_it(site):
    parsed = feed(site, "feeds/actors/andrey-belousov.xml")
    got = [(e.title, e.updated[:10]) for e in parsed.entries]
    assert got[:3] == [
        ("Old talks: removed", "2025-06-25"),  # it took part in the removed meeting
        ("Defence talks: changed", "2025-06-23"),
        ("Defence talks: changed", "2025-06-22"),  # it was added to the talks
    ]  # not the talks' change of 21 June: it was no participant yet
    assert {d for _, d in got[3:]} == {"2025-06-20"}
    first = {t for t, d in got[3:]}
    assert first == {
        "Andrey Belousov: first published",
        "Security forum: first published",
        "Old talks: first published",
    }


def test_topic_feed_follows_the_topics_beneath_it(site):
    parsed = feed(site, "feeds/topics/security.xml")
    titles = {e.title for e in parsed.entries}
    assert "Defence talks: changed" in titles  # a meeting on a topic beneath it
    assert "Defence cooperation: first published" in titles
    assert any(t.startswith("India: supports — Defence cooperation") for t in titles)


def test_feeds_are_linked_from_the_head_and_the_page(site):
    page = (site / "actors/andrey-belousov/index.html").read_text()
    heads = re.findall(
        r'<link rel="alternate feed" type="application/atom\+xml"[^>]*href="([^"]+)"', page
    )
    assert heads == ["../../feeds/changes.xml", "../../feeds/actors/andrey-belousov.xml"]
    follow = page[page.index("fs-follow") :][:600]
    assert 'href="../../feeds/actors/andrey-belousov.xml"' in follow
    assert 'href="../../feeds/actors/andrey-belousov.ics"' in follow


# ---------------------------------------------------------------------------------------------
# Calendars


def calendar(site: Path, path: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / path).read_bytes())


def test_meetings_calendar_has_all_day_events_and_counts_the_undated(site):
    cal = calendar(site, "feeds/meetings.ics")
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"forum@factsheets", "talks@factsheets"}  # summit: known to the month
    talks, forum = events["talks@factsheets"], events["forum@factsheets"]
    assert talks.decoded("dtstart") == dt.date(2025, 6, 26)
    assert talks.decoded("dtend") == dt.date(2025, 6, 27)
    assert forum.decoded("dtstart") == dt.date(2025, 6, 24)
    assert forum.decoded("dtend") == dt.date(2025, 6, 28)  # through the 27th
    assert str(talks["location"]) == "Qingdao"
    assert "Rajnath Singh (principal), Andrey Belousov" in str(talks["description"])
    assert str(talks["url"]) == "../meetings/talks/"
    # its latest fact-level change (the rename commit only updated a reference in it)
    assert talks.decoded("dtstamp") == dt.datetime(2025, 6, 23, 10, tzinfo=dt.UTC)
    assert "1 meeting is known only to the month or the year" in str(cal["description"])


def test_actor_calendar_holds_its_meetings(site):
    cal = calendar(site, "feeds/actors/rajnath-singh.ics")
    assert sorted(str(e["uid"]) for e in cal.walk("VEVENT")) == [
        "forum@factsheets",
        "talks@factsheets",
    ]
    assert not (site / "feeds/actors/india.ics").exists()  # no meeting: no calendar, no link
    assert "india.ics" not in (site / "actors/india/index.html").read_text()


# ---------------------------------------------------------------------------------------------
# Reproducible, and degrading without history


def test_two_builds_of_the_same_revision_are_byte_identical(repo, monkeypatch):
    def build() -> dict[str, bytes]:
        history = read_history(repo, repo / "content")
        built = pipeline.build(
            repo / "content", repo / "templates", history=history, publication=Publication()
        )
        assert built.checked.ok
        return {k: v for k, v in built.assets.items() if k.startswith("feeds/")}

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    first = build()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")  # the clock and the epoch play no part
    assert build() == first
    assert len(first) == 1 + 4 + 2 + 3  # site feed, 4 actors, 2 topics, all + 3 actor calendars


def test_a_shallow_clone_builds_and_says_history_is_not_available(repo, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{repo}", str(clone))
    result = mkdocs_build(clone)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "history not available: shallow clone" in result.stderr
    page = (clone / "site/meetings/talks/index.html").read_text()
    assert "History not available in this build: shallow clone" in page
    parsed = feed(clone / "site", "feeds/changes.xml")
    assert parsed.entries == [] and "not available" in parsed.feed.subtitle


def test_shipped_content_with_full_history_links_every_feed(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    shutil.rmtree(clone / "generator")  # `python -m mkdocs` there must import the code under test
    copy_project(clone)  # the site files under test
    result = mkdocs_build(clone)
    assert result.returncode == 0, result.stderr[-4000:]
    site = clone / "site"
    shallow = git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    checked = 0
    for type_ in ("actors", "topics"):
        for record in sorted((clone / "content" / type_).glob("*.yml")):
            page = (site / type_ / record.stem / "index.html").read_text()
            href = f"../../feeds/{type_}/{record.stem}.xml"
            assert (
                '<link rel="alternate feed" type="application/atom+xml"' in page
                and f'href="{href}"' in page
            )
            parsed = feed(site, f"feeds/{type_}/{record.stem}.xml")
            if not shallow:
                assert parsed.entries, record  # every record was published in some commit
            checked += 1
    assert checked > 10
    some_meeting = sorted((clone / "content/meetings").glob("*.yml"))[0].stem
    page = (site / "meetings" / some_meeting / "index.html").read_text()
    assert 'id="history"' in page
    if not shallow:
        assert "first published" in page
        assert 'href="../meetings/' in (site / "changes/index.html").read_text()


def test_changes_page_depends_on_every_record_type(repo):
    history = read_history(repo, repo / "content")
    built = pipeline.build(repo / "content", repo / "templates", history=history)
    depends = built.depends["changes/index.md"]
    assert depends.types == frozenset(
        ("actors", "places", "meetings", "positions", "topics", "sources")
    )
    assert {"talks", "rajnath-singh"} <= depends.records  # the records it names


def test_an_incremental_build_remakes_only_the_feed_entries_that_show_an_edited_record(
    repo, tmp_path
):
    """A save renames an actor that feed entries name: those entries are made again, the rest
    taken from the last build, and every feed is the clean build's, byte for byte."""
    from generator.incremental import Incremental

    work = tmp_path / "repo"
    shutil.copytree(repo, work)
    content, templates = work / "content", ROOT / "templates"
    history = read_history(work, content)
    state = Incremental()
    first = pipeline.build(content, templates, history=history, state=state)
    total = state.serialised.entries_made
    assert total > 0 and first.assets == pipeline.build(content, templates, history=history).assets
    edit(content / "actors/andrey-belousov.yml", "name: Andrey Belousov", "name: Andrei Belousov")
    again = pipeline.build(content, templates, history=history, state=state)
    clean = pipeline.build(content, templates, history=history)
    assert again.assets.keys() == clean.assets.keys()
    stale = [path for path in clean.assets if again.assets[path] != clean.assets[path]]
    assert not stale
    assert b"Andrei Belousov" in again.assets["feeds/actors/rajnath-singh.xml"]
    from generator.ical import ALL_MEETINGS

    assert b"Andrei Belousov" in again.assets[ALL_MEETINGS].replace(b"\r\n ", b"")  # unfolded
    assert 0 < state.serialised.entries_made < total
    # a record added: which values are records may change, so every entry is made again
    (content / "places/elsewhere.yml").write_text(
        "name: Elsewhere\nkind: city\ncite: [src]\nstatus: confirmed\n", encoding="utf-8"
    )
    added = pipeline.build(content, templates, history=history, state=state)
    assert added.assets == pipeline.build(content, templates, history=history).assets
    assert state.serialised.entries_made == total
