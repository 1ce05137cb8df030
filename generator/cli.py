"""The command-line face: thin commands over the one pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import pipeline
from .problems import FORMATTERS

CONTENT = click.argument(
    "content", required=False, default="content", type=click.Path(file_okay=False, path_type=Path)
)


def _fail_usage(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _checked(content: Path) -> pipeline.Checked:
    if not content.is_dir():
        _fail_usage(f"content folder {str(content)!r} not found (pass the folder holding actors/, meetings/, …)")
    return pipeline.check(content)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="factsheets")
def main() -> None:
    """Curated, sourced diplomacy facts: validate, export and publish them."""


@main.command()
@CONTENT
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True,
    help="text: FILE:LINE:COL lines; json: one document; github: workflow annotations.",
)
def validate(content: Path, fmt: str) -> None:
    """Check every record in CONTENT (default ./content); report every problem at once.

    Exit 0 when valid (warnings allowed), 1 when any error, 2 on a usage error.
    """
    try:
        checked = _checked(content)
    except Exception as exc:  # noqa: BLE001 - never a traceback
        click.echo(f"{content}:1:1: error: internal error: {exc!r} [internal.error]")
        sys.exit(1)
    click.echo(FORMATTERS[fmt](checked.problems, checked.files))
    sys.exit(0 if checked.ok else 1)


def _require_valid(checked: pipeline.Checked) -> None:
    if not checked.ok:
        click.echo(FORMATTERS["text"](checked.problems, checked.files), err=True)
        click.echo("error: the content is invalid; fix the errors above first", err=True)
        sys.exit(1)


@main.command()
@CONTENT
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder for the CSV files (required with --format csv).")
def export(content: Path, fmt: str, out: Path | None) -> None:
    """Print the facts as JSON ({"records": [...]}) or write one CSV per type to --out."""
    from .export import to_csv, to_json

    checked = _checked(content)
    _require_valid(checked)
    if fmt == "json":
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / "facts.json").write_text(to_json(checked.facts), encoding="utf-8")
        else:
            click.echo(to_json(checked.facts), nl=False)
        return
    if out is None:
        _fail_usage("--format csv writes one file per type: pass --out DIR")
    out.mkdir(parents=True, exist_ok=True)
    files = to_csv(checked.facts)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(files)} CSV files to {out}", err=True)


@main.command()
@CONTENT
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to write the Markdown tree into (created; existing pages overwritten).")
@click.option("--templates", default="templates", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--edit-url", default="", help="Pattern for 'edit this record' links; {path} is the YAML file's path.")
def generate(content: Path, out: Path, templates: Path, edit_url: str) -> None:
    """Write the site's Markdown pages and data files for any MkDocs-compatible engine."""
    from .history import last_updated

    if not templates.is_dir():
        _fail_usage(f"templates folder {str(templates)!r} not found")
    if not content.is_dir():
        _fail_usage(f"content folder {str(content)!r} not found")
    built = pipeline.build(content, templates, edit_url=edit_url or None, updated=last_updated(Path.cwd(), content))
    _require_valid(built.checked)
    for path, text in {**built.pages, **built.assets}.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            target.write_text(text, encoding="utf-8")
        else:
            target.write_bytes(text)
    click.echo(f"wrote {len(built.pages)} pages and {len(built.assets)} data files to {out}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
