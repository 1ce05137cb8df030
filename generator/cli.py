"""The command-line face: thin commands over the one pipeline."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from . import pipeline
from .model import TYPES
from .output import OutputError, check_folder, check_replaceable, write_files
from .problems import FORMATTERS

CONTENT = click.argument(
    "content", required=False, default="content", type=click.Path(file_okay=False, path_type=Path)
)


PROBLEM_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="text: FILE:LINE:COL lines; json: one document; github: workflow annotations.",
)


def _fail_usage(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _checked(content: Path) -> pipeline.Checked:
    if (
        content.is_dir()
        and content.name in TYPES
        and not any((content / t).is_dir() for t in TYPES)
    ):
        _fail_usage(
            f"{str(content)!r} holds only the {content.name}: pass the content folder above it "
            f"({str(content.parent)!r}), which holds actors/, meetings/, …"
        )
    if not content.is_dir():
        _fail_usage(
            f"content folder {str(content)!r} not found (pass the folder holding actors/, meetings/, …)"
        )
    return report_internal(pipeline.check(content))


def _debug() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and (context.find_root().obj or {}).get("debug"))


def report_internal(result):
    """With --debug, print the traceback of each internal error in `result.problems` (stderr)."""
    if _debug():
        for problem in result.problems:
            if problem.detail:
                click.echo(f"{problem.path}: [{problem.code}]\n{problem.detail}", err=True)
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="factsheets")
@click.option(
    "--debug",
    is_flag=True,
    help="Print the full traceback of an internal error (for a bug report); before the command.",
)
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Curated, sourced diplomacy facts: validate, export and publish them."""
    ctx.obj = {"debug": debug}


@main.command()
@CONTENT
@PROBLEM_FORMAT
def validate(content: Path, fmt: str) -> None:
    """Check every record in CONTENT (default ./content); report every problem at once.

    Exit 0 when valid (warnings allowed), 1 when any error, 2 on a usage error.
    """
    try:
        checked = _checked(content)
    except Exception as exc:  # noqa: BLE001 - never a traceback
        click.echo(f"{content}:1:1: error: internal error: {exc!r} [internal.error]")
        if _debug():
            click.echo("".join(traceback.format_exception(exc)), err=True)
        sys.exit(1)
    click.echo(FORMATTERS[fmt](checked.problems, checked.files))
    sys.exit(0 if checked.ok else 1)


def _usable(action: Callable[..., object], out: Path, *args: object, **kwargs: object) -> None:
    """Run an output check or write; a path that cannot be used is a usage error (exit 2)."""
    try:
        action(out, *args, **kwargs)
    except OutputError as exc:
        _fail_usage(str(exc))
    except OSError as exc:
        _fail_usage(f"cannot write to {str(out)!r}: {exc.strerror or exc}")


def _require_valid(checked: pipeline.Checked) -> None:
    if not checked.ok:
        click.echo(FORMATTERS["text"](checked.problems, checked.files), err=True)
        click.echo("error: the content is invalid; fix the errors above first", err=True)
        sys.exit(1)


@main.command()
@CONTENT
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Folder for the CSV files (required with --format csv).",
)
def export(content: Path, fmt: str, out: Path | None) -> None:
    """Print the facts as JSON ({"records": [...]}) or write one CSV per type to --out."""
    from .export import to_csv, to_json

    if fmt == "csv" and out is None:
        _fail_usage("--format csv writes one file per type: pass --out DIR")
    if out is not None:
        _usable(check_folder, out)
    checked = _checked(content)
    _require_valid(checked)
    if fmt == "json" and out is None:
        click.echo(to_json(checked.facts), nl=False)
        return
    assert out is not None
    files = {"facts.json": to_json(checked.facts)} if fmt == "json" else to_csv(checked.facts)
    _usable(write_files, out, files)
    if fmt == "csv":
        click.echo(f"wrote {len(files)} CSV files to {out}", err=True)


@main.command()
@CONTENT
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the Markdown tree: created, or replaced whole (only a folder it wrote before, or an empty one).",
)
@click.option(
    "--templates",
    default="templates",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--edit-url",
    default="",
    help="Pattern for 'edit this record' links; {path} is the YAML file's path in its git repository.",
)
@click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="How the engine treats links in raw HTML (the pictures): mkdocs (and ProperDocs) leaves "
    "them as written, so they are written as page URLs; zensical resolves them like Markdown "
    "links, so they stay .md paths.",
)
def generate(content: Path, out: Path, templates: Path, edit_url: str, engine: str) -> None:
    """Write the site's Markdown pages and data files for any MkDocs-compatible engine."""
    from .history import last_updated, read_history, repo_path

    if not templates.is_dir():
        _fail_usage(f"templates folder {str(templates)!r} not found")
    if not content.is_dir():
        _fail_usage(f"content folder {str(content)!r} not found")
    _usable(check_replaceable, out, keep=(content, templates))
    built = pipeline.build(
        content,
        templates,
        edit_url=edit_url or None,
        updated=last_updated(content),
        history=read_history(Path.cwd(), content),
        content_path=repo_path(content, Path.cwd()),
        source_links=engine == "zensical",
    )
    report_internal(built)
    _require_valid(built.checked)
    _usable(built.write, out)
    click.echo(
        f"wrote {len(built.pages)} pages and {len(built.assets)} data files to {out}", err=True
    )


@main.command("check-sources")
@CONTENT
@click.option("--strict", is_flag=True, help="Exit 1 when any address is unreachable.")
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for each address (redirects included).",
)
@click.option(
    "--concurrency",
    default=8,
    show_default=True,
    type=click.IntRange(min=1, max=64),
    help="Addresses requested at the same time.",
)
@click.option(
    "--cache",
    default=".cache/check-sources.json",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results are kept here for a day; an address checked since is not asked again.",
)
@click.option("--no-cache", is_flag=True, help="Ask every address again; keep no results.")
@PROBLEM_FORMAT
def check_sources(
    content: Path,
    strict: bool,
    timeout: float,
    concurrency: int,
    cache: Path,
    no_cache: bool,
    fmt: str,
) -> None:
    """Request every source address (url, archived) in CONTENT; warn about unreachable ones.

    Each is a warning `FILE:LINE:COL: warning: … [source.unreachable]` with the HTTP status or
    the error. Exit 0 (warnings allowed) unless --strict; 1 when the content is invalid.
    """
    from .sourcecheck import check_sources as run

    checked = _checked(content)
    _require_valid(checked)
    problems, results = run(
        checked.facts, cache=None if no_cache else cache, concurrency=concurrency, timeout=timeout
    )
    click.echo(FORMATTERS[fmt](problems, checked.files))
    reachable = sum(r.ok for r in results.values())
    click.echo(f"checked {len(results)} addresses: {reachable} reachable", err=True)
    sys.exit(1 if strict and problems else 0)


# ---------------------------------------------------------------------------------------------
# Editing and reviewing facts: new, changes, schema

CONTENT_OPTION = click.option(
    "--content",
    default="content",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The content folder (holding actors/, meetings/, …).",
)


@main.command(short_help="Write a commented skeleton for a new record.")
@click.argument("type_name", metavar="TYPE")
@click.argument("record_id", metavar="ID")
@click.option("--name", help="The record's name (actors, places, topics).")
@click.option("--title", help="The record's title (meetings, sources).")
@CONTENT_OPTION
def new(type_name: str, record_id: str, name: str | None, title: str | None, content: Path) -> None:
    """Write a commented skeleton for a new record: CONTENT/TYPE/ID.yml.

    TYPE is a content folder (actors, places, meetings, positions, topics, sources) or its
    singular. Each value to fill in starts with FILL-ME; `factsheet validate` names every one
    left. Never overwrites; refuses an id already used by any record, or as a former id.

    Exit 0 when written, 1 when the id is taken, 2 on a usage error.
    """
    from .model import TITLE_FIELD
    from .scaffold import NewRecordError, resolve_type, write_record

    try:
        type_ = resolve_type(type_name)
        wanted = TITLE_FIELD[type_]
        if name is not None and title is not None:
            _fail_usage("pass --name or --title, not both")
        given, option = (name, "name") if name is not None else (title, "title")
        if given is not None and option != wanted:
            fix = f"use --{wanted}" if wanted else "they have neither: leave it out"
            _fail_usage(f"{type_} have no {option}: {fix}")
        path = write_record(content, type_, record_id, given)
    except NewRecordError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(f"wrote {path}")
    click.echo(
        f"next: replace each FILL-ME value, then run `factsheet validate {content}`", err=True
    )


@main.command("import", short_help="Add records from a .csv or .xlsx sheet, one a row.")
@click.argument("type_name", metavar="TYPE")
@click.argument("sheet", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would be written.")
@click.option(
    "--update",
    is_flag=True,
    help="Change existing records (matched by the id column), only in the fields the sheet holds.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="How problems are reported (as for validate), each at FILE:ROW:COLUMN.",
)
@CONTENT_OPTION
def import_(
    type_name: str, sheet: Path, dry_run: bool, update: bool, fmt: str, content: Path
) -> None:
    """Add a record of TYPE for each row of FILE (.csv in UTF-8, or the first sheet of .xlsx).

    The first row names the fields: `title`, `date`, `cite` (ids separated by ;),
    `native_names.ru`, `participants.1.actor`, `participants.1.role`, … (see CONTRIBUTING.md).
    The id comes from an `id` column or is derived from the name or title (and date).

    Every record is validated with the existing content first; on any error nothing is
    written and each problem is reported at FILE:ROW:COLUMN. Existing records are refused unless
    --update, which changes only the fields the sheet holds. The changes are listed as
    `factsheet changes` words them.

    Exit 0 when imported (or, with --dry-run, importable), 1 on any error, 2 on a usage error.
    """
    from .changes import format_changes
    from .importer import ImportError_, import_sheet, write_imported
    from .scaffold import NewRecordError, resolve_type

    try:
        type_ = resolve_type(type_name)
    except NewRecordError as exc:
        _fail_usage(str(exc))
    if not content.is_dir():
        _fail_usage(f"content folder {str(content)!r} not found (pass --content DIR)")
    try:
        imported = import_sheet(content, type_, sheet, update=update)
    except ImportError_ as exc:
        _fail_usage(str(exc))
    if not imported.ok:
        click.echo(FORMATTERS[fmt](imported.problems, imported.checked.files))
        click.echo("error: nothing was written; fix the problems above and import again", err=True)
        sys.exit(1)
    for problem in imported.problems:  # warnings about the sheet's records
        click.echo(
            f"{problem.path}:{problem.line}:{problem.column}: warning: {problem.message} [{problem.code}]",
            err=True,
        )
    click.echo(format_changes(imported.changes), nl=False)
    added, changed = len(imported.changes.added), len(imported.changes.changed)
    counts = f"{added} new, {changed} updated, {imported.unchanged} unchanged"
    if dry_run:
        for path, text in imported.files.items():
            click.echo(f"\n#### `{path}`\n\n```yaml\n{text}```")
        click.echo(f"dry run: nothing written ({counts})", err=True)
        return
    try:
        write_imported(imported)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"imported {imported.rows} rows from {sheet}: {counts}", err=True)


@main.command(short_help="Summarise fact changes from BASE to HEAD (Markdown).")
@click.argument("base", required=False)
@click.argument("head", required=False)
@CONTENT_OPTION
def changes(base: str | None, head: str | None, content: Path) -> None:
    """Summarise what changed in the facts from BASE to HEAD, as Markdown for a review.

    BASE and HEAD are git revisions. Without HEAD: the working tree (uncommitted edits too).
    Without BASE: the merge-base with origin/HEAD, else with main. Lists records added, removed
    and renamed, each changed field (old -> new), then HEAD's validation result.

    Exit 0 when it ran, 1 when HEAD is invalid, 2 for a bad revision.
    """
    from .changes import ChangesError, format_changes, summarize_changes

    try:
        result = summarize_changes(content, base, head)
    except ChangesError as exc:
        _fail_usage(str(exc))
    click.echo(format_changes(result), nl=False)
    sys.exit(0 if result.checked is None or result.checked.ok else 1)


@main.command(short_help="Rewrite records into the canonical layout, comments kept.")
@click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[PATHS]..."
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 listing the files it would change."
)
def fmt(paths: tuple[Path, ...], check: bool) -> None:
    """Rewrite record files (default: ./content) into the canonical layout.

    Keys in the model's order (a type's own fields, then cite, status, note,
    disagreements, former_ids), and text that other YAML readers would take for a date, number or
    boolean double-quoted. Comments and values stay exactly as written.

    Exit 0 when every file is (or now is) canonical, 1 when --check finds one that is not or a
    file cannot be read, 2 on a usage error.
    """
    from .fmt import format_files

    try:
        result = format_files(paths or (Path("content"),), check=check)
    except ValueError as exc:
        _fail_usage(str(exc))
    for shown, reasons in result.reasons.items():
        verb = "would reformat" if check else "reformatted"
        click.echo(
            f"{verb} {shown}: {reasons[0]}"
            + (f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else "")
        )
    if result.problems:
        click.echo(FORMATTERS["text"](result.problems, result.files), err=True)
    changed = len(result.reasons)
    if check:
        click.echo(f"{changed} of {result.files} files would be reformatted", err=True)
    else:
        click.echo(f"{changed} of {result.files} files reformatted", err=True)
    sys.exit(1 if result.problems or (check and changed) else 0)


@main.command(short_help="Write schema/<type>.schema.json for editors.")
@click.option(
    "--out",
    default="schema",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for the <type>.schema.json files.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file is missing or stale.")
def schema(out: Path, check: bool) -> None:
    """Write the JSON Schema of each record type (for editors), generated from the model.

    Exit 0 when written (or, with --check, up to date), 1 when --check finds one stale.
    """
    from .export import json_schemas

    if not check:
        _usable(check_folder, out)
    schemas = json_schemas()
    stale = []
    for type_, text in schemas.items():
        target = out / f"{type_}.schema.json"
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            stale.append(target)
    if not check:
        _usable(write_files, out, {p.name: schemas[p.name.split(".")[0]] for p in stale})
    if check:
        for target in stale:
            click.echo(f"{target}: stale or missing: run `make schema`", err=True)
        sys.exit(1 if stale else 0)
    done = f"wrote {len(stale)} schema files" if stale else "up to date"
    click.echo(f"{out}: {done}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
