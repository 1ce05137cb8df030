"""Problems are data: every stage returns them, only the formatters here turn them into text."""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

from .characters import json_printable, printable
from .words import plural

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a look) in the content, located in a file."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"
    # An internal error's traceback, for `factsheet --debug` and `mkdocs build --verbose`.
    detail: str = field(default="", compare=False, repr=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, code, message, "error")


def warning(path: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(path, line, column, code, message, "warning")


def internal(path: str, code: str, doing: str, exc: BaseException) -> Problem:
    """A bug met while `doing` something: one line (`internal.<code>`), never a traceback; the
    traceback is kept in `detail` for a bug report."""
    return Problem(
        path,
        1,
        1,
        f"internal.{code}",
        f"internal error while {doing}: {exc!r} (please report this; `factsheet --debug` prints the traceback)",
        "error",
        "".join(traceback.format_exception(exc)),
    )


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = warnings = 0
    for problem in problems:
        if problem.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary(problems: list[Problem], files: int) -> str:
    errors, warnings = count(problems)
    verdict = "invalid" if errors else "valid"
    return (
        f"{verdict}: {plural(errors, 'error')}, {plural(warnings, 'warning')} "
        f"in {plural(files, 'file')}"
    )


def format_text(problems: list[Problem], files: int) -> str:
    lines = [
        printable(
            f"{p.path}:{p.line}:{p.column}: {p.severity}: {' '.join(p.message.split())} [{p.code}]"
        )
        for p in problems
    ]
    lines.append(summary(problems, files))
    return "\n".join(lines)


def format_json(problems: list[Problem], files: int) -> str:
    errors, warnings = count(problems)
    document = json.dumps(
        {
            "valid": errors == 0,
            "files": files,
            "errors": errors,
            "warnings": warnings,
            "problems": [{k: v for k, v in asdict(p).items() if k != "detail"} for p in problems],
        },
        ensure_ascii=False,
        indent=2,
    )
    return json_printable(document)  # the same data, with no raw control or direction character


def _escape_github(value: str, *, property_value: bool = False) -> str:
    value = printable(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(problems: list[Problem], files: int) -> str:
    """Format as GitHub Actions workflow commands (annotations on the pull request)."""
    lines = []
    for p in problems:
        props = ",".join(
            [
                f"file={_escape_github(p.path, property_value=True)}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_escape_github(p.code, property_value=True)}",
            ]
        )
        lines.append(f"::{p.severity} {props}::{_escape_github(p.message)}")
    lines.append(summary(problems, files))
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
