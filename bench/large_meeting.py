"""The large-meeting case of `make bench`: one meeting with N participants.

Every participant's page once listed every other participant, so the Markdown grew with the
square of a meeting's size (300 participants: about 25 MB; 1,500: minutes and over a gigabyte).
This writes N actors (a few principals, the rest delegates and observers), one meeting with all
of them, a side meeting with two of them and one source, then times `pipeline.check` and
`pipeline.build` and measures the Markdown: the total and the largest page. Run side by side at
two sizes, the ratios show whether output grows linearly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import pipeline

PRINCIPALS = 6  # hosts, chairs and principals among the participants
SIZES = (500, 2000)
TARGET_GENERATE_CPU = 15.0  # seconds: "2,000 participants build in seconds"


def write_content(content: Path, n: int) -> None:
    """Write the records of a meeting with `n` participants into `content`."""
    for folder in ("actors", "meetings", "sources", "places", "topics"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "sources" / "summit-report.yml").write_text(
        "title: Summit report\nkind: news\npublished: '2025-06-26'\n", "utf-8"
    )
    cite = "cite: [summit-report]\nstatus: reported\n"
    (content / "places" / "summit-city.yml").write_text(f"name: Summit City\n{cite}", "utf-8")
    (content / "topics" / "summit-agenda.yml").write_text(f"name: Summit agenda\n{cite}", "utf-8")
    participants = []
    for i in range(n):
        actor = f"delegate-{i:05d}"
        (content / "actors" / f"{actor}.yml").write_text(
            f"kind: person\nname: Delegate {i:05d}\n{cite}", "utf-8"
        )
        role = (
            ("host", "chair", "principal")[i % 3]
            if i < PRINCIPALS
            else ("observer" if i % 10 == 0 else "delegate")
        )
        participants.append(f"  - actor: {actor}\n    role: {role}\n")
    (content / "meetings" / "large-summit-2025.yml").write_text(
        "title: Large summit\nkind: summit\ndate: '2025-06-26'\nplace: summit-city\n"
        "topics: [summit-agenda]\nparticipants:\n" + "".join(participants) + cite,
        "utf-8",
    )
    (content / "meetings" / "side-talks-2025.yml").write_text(
        "title: Side talks\nkind: bilateral\ndate: '2025-06-26'\npart_of: large-summit-2025\n"
        "participants:\n  - actor: delegate-00000\n  - actor: delegate-00001\n" + cite,
        "utf-8",
    )


@dataclass
class LargeMeeting:
    n: int
    validate: tuple[float, float]  # wall, cpu
    generate: tuple[float, float]
    pages: int
    markdown_mb: float
    meeting_kb: float  # the meeting's own page: lists every participant
    participant_kb: float  # the largest participant's page
    build: tuple[float, float, float] | None = None  # mkdocs build: wall, cpu, peak MB


def _timed(run: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def measure(content: Path, n: int, templates: Path) -> LargeMeeting:
    """Write the records of an `n`-participant meeting into `content`; validate and generate."""
    write_content(content, n)
    validate, checked = _timed(lambda: pipeline.check(content))
    if not checked.ok:
        problems = "\n".join(map(str, checked.problems[:5]))
        raise SystemExit(f"large-meeting content is invalid (a bug in this file):\n{problems}")
    del checked
    generate, built = _timed(lambda: pipeline.build(content, templates))
    sizes = {path: len(text.encode()) for path, text in built.pages.items()}
    actors = [size for path, size in sizes.items() if path.startswith("actors/delegate-")]
    return LargeMeeting(
        n,
        validate,
        generate,
        len(sizes),
        sum(sizes.values()) / 1e6,
        sizes["meetings/large-summit-2025.md"] / 1e3,
        max(actors) / 1e3,
    )


def report(results: list[LargeMeeting]) -> str:
    """The figures side by side, and the ratios of the largest size to the smallest."""
    small, large = results[0], results[-1]
    k = large.n / small.n
    pair = lambda t: f"{t[0]:.2f} s / {t[1]:.2f} s"  # noqa: E731
    lines = [
        "",
        "large meeting: one meeting, N participants (bench/large_meeting.py)",
        f"{'participants':>12}  {'validate wall/cpu':>19}  {'generate wall/cpu':>19}  "
        f"{'pages':>6}  {'Markdown':>9}  {'meeting page':>12}  {'largest participant page':>24}"
        f"  {'mkdocs build wall/cpu, peak':>30}",
    ]
    for r in results:
        build = f"{r.build[0]:.1f} s / {r.build[1]:.1f} s, {r.build[2]:.0f} MB" if r.build else "—"
        lines.append(
            f"{r.n:>12,}  {pair(r.validate):>19}  {pair(r.generate):>19}  {r.pages:>6,}  "
            f"{r.markdown_mb:>6.1f} MB  {r.meeting_kb:>9.0f} KB  {r.participant_kb:>21.1f} KB"
            f"  {build:>30}"
        )
    ratio = large.markdown_mb / small.markdown_mb
    page = large.participant_kb / small.participant_kb
    cpu = large.generate[1] / small.generate[1]
    lines += [
        f"{k:g}x the participants: Markdown {ratio:.2f}x "
        f"({'PASS' if ratio <= 1.1 * k else 'MISS'}: linear <= {1.1 * k:g}x), "
        f"largest participant page {page:.2f}x ({'PASS' if page <= 1.1 else 'MISS'}: <= 1.1x), "
        f"generate CPU {cpu:.2f}x ({'PASS' if cpu <= 1.1 * k else 'MISS'}: <= {1.1 * k:g}x)",
        f"{large.n:,} participants generate in {large.generate[1]:.1f} s CPU "
        f"({'PASS' if large.generate[1] <= TARGET_GENERATE_CPU else 'MISS'}: "
        f"<= {TARGET_GENERATE_CPU:g} s)",
    ]
    return "\n".join(lines)
