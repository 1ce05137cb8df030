"""A git history for the benchmark's synthetic content: one commit of everything, then edits.

`commit_history(workdir, commits=200)` makes `workdir` a git repository whose first commit adds
all of `workdir/content` and whose every further commit edits a few records the way fact editors
do (a status confirmed or reported, a date fixed), with fixed dates a day apart. Deterministic for
a seed. The history stage (generator/history.py) then reads it in `make bench`.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

from generator.model import TYPES
from tests.sitebuild import git_env

FIRST_DAY = 1_735_689_600  # 2025-01-01T00:00:00Z; commit k is k days later
STATUS = re.compile(r"^status: (confirmed|reported)$", re.MULTILINE)
DAY_DATE = re.compile(r'^date: "?(\d{4})-(\d{2})-(\d{2})"?$', re.MULTILINE)


def _git(workdir: Path, *args: str, when: int = FIRST_DAY) -> None:
    subprocess.run(
        ["git", "-C", str(workdir), *args],
        env=git_env(workdir, f"{when} +0000"),
        check=True,
        capture_output=True,
    )


def _edit(text: str, rng: random.Random) -> str | None:
    """One editor's correction: flip confirmed/reported, or move a day-precise date by a day."""
    date = DAY_DATE.search(text)
    plain = not any(word in text for word in ("end_date:", "part_of:", "disagreements:"))
    if date and plain and rng.random() < 0.3:
        year, month, day = (int(g) for g in date.groups())
        day = day + 1 if day < 28 else day - 1
        return (
            text[: date.start()] + f'date: "{year:04d}-{month:02d}-{day:02d}"' + text[date.end() :]
        )
    status = STATUS.search(text)
    if status:
        other = "reported" if status.group(1) == "confirmed" else "confirmed"
        return text[: status.start()] + f"status: {other}" + text[status.end() :]
    return None


def commit_history(workdir: Path, commits: int = 200, per_commit: int = 5, seed: int = 0) -> int:
    """Commit `workdir/content` as `commits` commits; return how many records were edited."""
    content = workdir / "content"
    files = sorted(p for t in TYPES if t != "sources" for p in (content / t).glob("*.yml"))
    _git(workdir, "init", "--quiet", "-b", "main")
    _git(workdir, "add", "content")
    _git(workdir, "commit", "--quiet", "-m", "Add the records")
    rng = random.Random(seed)
    edited = 0
    for k in range(1, commits):
        changed = []
        for path in rng.sample(files, min(per_commit * 2, len(files))):
            text = _edit(path.read_text(encoding="utf-8"), rng)
            if text is not None:
                path.write_text(text, encoding="utf-8")
                changed.append(str(path.relative_to(workdir)))
            if len(changed) == per_commit:
                break
        edited += len(changed)
        _git(workdir, "add", *changed)
        when = FIRST_DAY + k * 86_400
        _git(workdir, "commit", "--quiet", "-m", f"Corrections, batch {k}", when=when)
    return edited
