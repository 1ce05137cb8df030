"""When each record file last changed, from git history (one `git log` for the whole tree)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def last_updated(repo_root: Path, content: Path) -> dict[str, str]:
    """Return {"content/actors/x.yml": "YYYY-MM-DD"} keyed relative to `repo_root`; {} without git."""
    try:
        relative = Path(content).resolve().relative_to(Path(repo_root).resolve())
    except ValueError:
        return {}
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(repo_root),
                "log",
                "--format=%x00%cs",
                "--name-only",
                "--no-renames",
                "--",
                str(relative),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    current = ""
    for line in result.stdout.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
        elif line and current:
            dates.setdefault(line, current)  # newest commit comes first
    return dates
