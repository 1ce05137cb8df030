"""`factsheet changes`: a fact-level summary between git revisions, driven through the CLI.

Every test builds its own git repository in tmp_path: one commit per kind of change (add, modify
a scalar, a list entry and a nested field, rename with references updated, delete), and asserts
the exact Markdown a reviewer reads.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from scratch import write_tree

from generator.changes import diff_records
from generator.cli import main

BASE_CONTENT = {
    "sources/src-a.yml": """
        title: Report A
        kind: news
    """,
    "sources/src-b.yml": """
        title: Report B
        kind: agency
    """,
    "actors/india.yml": """
        kind: state
        name: India
        cite: [src-a]
        status: confirmed
    """,
    "actors/russia.yml": """
        kind: state
        name: Russia
        cite: [src-a]
        status: confirmed
    """,
    "actors/singh-rajnath.yml": """
        kind: person
        name: Rajnath Singh
        country: india
        posts:
          - organisation: india
            title: Minister of Defence
            start: 2024-06
            cite: [src-a]
        cite: [src-a]
        status: confirmed
    """,
    "actors/andrey-belousov.yml": """
        kind: person
        name: Andrey Belousov
        country: russia
        cite: [src-a]
        status: confirmed
    """,
    "topics/defence-cooperation.yml": """
        name: Defence cooperation
        summary: What [[singh-rajnath]] discussed with Russia.
        cite: [src-a, src-b]
        status: confirmed
    """,
    "places/qingdao.yml": """
        name: Qingdao
        kind: city
        cite: [src-a]
        status: confirmed
    """,
    "meetings/singh-belousov.yml": """
        title: Rajnath Singh meets Andrey Belousov
        kind: bilateral
        date: 2025-06-26
        participants:
          - actor: singh-rajnath
            role: principal
          - actor: andrey-belousov
            role: principal
        topics: [defence-cooperation]
        cite: [src-a]
        status: reported
    """,
}

ADDED = {
    "topics/counter-terrorism.yml": """
        name: Counter-terrorism
        cite: [src-b]
        status: reported
    """,
}

MODIFIED = {  # a scalar (date, status), a list entry (a role), a nested field (a post's start)
    "meetings/singh-belousov.yml": """
        title: Rajnath Singh meets Andrey Belousov
        kind: bilateral
        date: 2025-06-27
        participants:
          - actor: singh-rajnath
            role: principal
          - actor: andrey-belousov
            role: host
          - actor: india
            role: delegate
            post: Defence Secretary
        topics: [defence-cooperation]
        cite: [src-a, src-b]
        status: confirmed
    """,
    "actors/singh-rajnath.yml": """
        kind: person
        name: Rajnath Singh
        country: india
        posts:
          - organisation: india
            title: Minister of Defence
            start: 2024-06-10
            cite: [src-a]
        cite: [src-a]
        status: confirmed
    """,
}


def _renamed() -> tuple[dict[str, str], list[str]]:
    """singh-rajnath becomes rajnath-singh; the meeting and the topic refer to the new id."""
    files = {
        "actors/rajnath-singh.yml": textwrap.dedent(MODIFIED["actors/singh-rajnath.yml"])
        + "former_ids: [singh-rajnath]\n",
        "meetings/singh-belousov.yml": MODIFIED["meetings/singh-belousov.yml"].replace(
            "actor: singh-rajnath", "actor: rajnath-singh"
        ),
        "topics/defence-cooperation.yml": BASE_CONTENT["topics/defence-cooperation.yml"].replace(
            "[[singh-rajnath]]", "[[rajnath-singh]]"
        ),
    }
    return files, ["actors/singh-rajnath.yml"]


# ---------------------------------------------------------------------------------------------
# A git repository in tmp_path


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Isolate git from the machine's configuration; fixed names and dates."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Fact Editor")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "editor@example.org")
        monkeypatch.setenv(f"GIT_{role}_DATE", "2025-06-27T12:00:00+00:00")


def git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), *args]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def write(repo: Path, files: dict[str, str], content: str = "content") -> None:
    write_tree(repo / content, {name: textwrap.dedent(t).lstrip() for name, t in files.items()})


def commit(repo: Path, message: str, files: dict | None = None, delete: list[str] = ()) -> str:
    write(repo, files or {})
    for name in delete:
        (repo / "content" / name).unlink()
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository whose main branch adds, modifies, renames, then deletes records."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "-b", "main")
    renamed, gone = _renamed()
    commits = {
        "base": commit(repo, "base", BASE_CONTENT),
        "add": commit(repo, "add a topic", ADDED),
        "modify": commit(repo, "modify", MODIFIED),
        "rename": commit(repo, "rename", renamed, delete=gone),
        "delete": commit(repo, "delete a place", delete=["places/qingdao.yml"]),
    }
    return repo, commits


def run(repo: Path, *args: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(repo)
    return CliRunner().invoke(main, ["changes", *args], catch_exceptions=False)


def short(commit_id: str) -> str:
    return commit_id[:7]


VALID_HEAD = "valid: 0 errors, 0 warnings in 10 files"
RENAMED = (
    "- `actors/singh-rajnath` → `actors/rajnath-singh` — Rajnath Singh; "
    "updated 2 references in 2 records"
)


# ---------------------------------------------------------------------------------------------
# One kind of change a commit


def test_added_record(history, monkeypatch):
    repo, c = history
    result = run(repo, c["base"], c["add"], monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(f"""\
        ## Fact changes: `{short(c["base"])}` → `{short(c["add"])}`

        1 added.

        ### Added

        - `topics/counter-terrorism` — Counter-terrorism

        ### Validation of `{short(c["add"])}`

        {VALID_HEAD}
        """)


def test_modified_scalar_list_entry_and_nested_field(history, monkeypatch):
    repo, c = history
    result = run(repo, "HEAD~3", "HEAD~2", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(f"""\
        ## Fact changes: `HEAD~3` ({short(c["add"])}) → `HEAD~2` ({short(c["modify"])})

        2 changed.

        ### Changed

        - `actors/singh-rajnath` — Rajnath Singh
          - `posts[india / Minister of Defence].start`: `2024-06` → `2024-06-10`
        - `meetings/singh-belousov` — Rajnath Singh meets Andrey Belousov
          - `date`: `2025-06-26` → `2025-06-27`
          - `participants[andrey-belousov].role`: `principal` → `host`
          - `participants`: added `india` (role: `delegate`; post: `Defence Secretary`)
          - `cite`: added `src-b`
          - `status`: `reported` → `confirmed`

        ### Validation of `HEAD~2` ({short(c["modify"])})

        {VALID_HEAD}
        """)


def test_rename_is_one_entry_with_its_reference_updates_summed_up(history, monkeypatch):
    repo, c = history
    result = run(repo, c["modify"], c["rename"], monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(f"""\
        ## Fact changes: `{short(c["modify"])}` → `{short(c["rename"])}`

        1 renamed.

        ### Renamed

        {RENAMED}

        ### Validation of `{short(c["rename"])}`

        {VALID_HEAD}
        """)


def test_deleted_record(history, monkeypatch):
    repo, c = history
    result = run(repo, c["rename"], c["delete"], monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(f"""\
        ## Fact changes: `{short(c["rename"])}` → `{short(c["delete"])}`

        1 removed.

        ### Removed

        - `places/qingdao` — Qingdao

        ### Validation of `{short(c["delete"])}`

        valid: 0 errors, 0 warnings in 9 files
        """)


def test_whole_history_at_once(history, monkeypatch):
    """Across all four commits: the renamed record's own edits show under its new id."""
    repo, c = history
    result = run(repo, c["base"], "main", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(f"""\
        ## Fact changes: `{short(c["base"])}` → `main` ({short(c["delete"])})

        1 added, 1 removed, 1 renamed, 2 changed.

        ### Added

        - `topics/counter-terrorism` — Counter-terrorism

        ### Removed

        - `places/qingdao` — Qingdao

        ### Renamed

        {RENAMED}

        ### Changed

        - `actors/rajnath-singh` — Rajnath Singh
          - `posts[india / Minister of Defence].start`: `2024-06` → `2024-06-10`
        - `meetings/singh-belousov` — Rajnath Singh meets Andrey Belousov
          - `date`: `2025-06-26` → `2025-06-27`
          - `participants[andrey-belousov].role`: `principal` → `host`
          - `participants`: added `india` (role: `delegate`; post: `Defence Secretary`)
          - `cite`: added `src-b`
          - `status`: `reported` → `confirmed`

        ### Validation of `main` ({short(c["delete"])})

        valid: 0 errors, 0 warnings in 9 files
        """)


def test_no_changes(history, monkeypatch):
    repo, c = history
    result = run(repo, "main", "main", monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert "\nNo fact changes.\n" in result.stdout


# ---------------------------------------------------------------------------------------------
# Defaults: BASE is the merge-base, HEAD the working tree


def test_default_base_is_the_merge_base_with_main_and_head_the_working_tree(history, monkeypatch):
    repo, c = history
    git(repo, "switch", "--quiet", "-c", "feature", c["modify"])
    write(repo, {"sources/src-c.yml": "title: Report C\nkind: official\n"})  # not even staged
    result = run(repo, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"## Fact changes: `{short(c['modify'])}` (merge-base with main) → working tree\n\n"
        "1 added.\n"
    )
    assert "- `sources/src-c` — Report C\n" in result.stdout
    validation = "### Validation of working tree\n\nvalid: 0 errors, 1 warning in 11 files\n"
    assert validation in result.stdout
    assert "[source.uncited]" in result.stdout


def test_default_base_prefers_origin_head(history, tmp_path, monkeypatch):
    repo, c = history
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(repo), str(clone)], check=True)
    git(clone, "switch", "--quiet", "-c", "edit")
    write(clone, {"places/qingdao.yml": BASE_CONTENT["places/qingdao.yml"]})
    result = run(clone, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"## Fact changes: `{short(c['delete'])}` (merge-base with origin/HEAD) → working tree\n\n"
        "1 added.\n"
    )


def test_the_work_tree_is_left_alone(history, monkeypatch):
    repo, c = history
    before = {p: p.read_bytes() for p in (repo / "content").rglob("*") if p.is_file()}
    run(repo, c["base"], c["add"], monkeypatch=monkeypatch)
    after = {p: p.read_bytes() for p in (repo / "content").rglob("*") if p.is_file()}
    assert before == after
    assert git(repo, "status", "--porcelain") == ""


# ---------------------------------------------------------------------------------------------
# Exit codes


def test_invalid_head_exits_1_and_lists_the_problems(history, monkeypatch):
    repo, c = history
    meeting = repo / "content/meetings/singh-belousov.yml"
    meeting.write_text(meeting.read_text().replace("kind: bilateral", "kind: chat"))
    result = run(repo, "main", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "  - `kind`: `bilateral` → `chat`\n" in result.stdout
    validation = "### Validation of working tree\n\ninvalid: 1 error, 0 warnings in 9 files\n"
    assert validation in result.stdout
    assert "content/meetings/singh-belousov.yml:2:1: error: " in result.stdout
    assert "[schema.vocabulary]" in result.stdout


def test_problems_in_a_revision_are_shown_at_their_path_in_the_repository(history, monkeypatch):
    repo, c = history
    broken = "name: Counter-terrorism\ncite: [nowhere]\nstatus: reported\n"
    bad = commit(repo, "break", {"topics/counter-terrorism.yml": broken})
    result = run(repo, c["delete"], bad, monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "content/topics/counter-terrorism.yml:2:8: error: " in result.stdout
    assert "[link.unresolved]" in result.stdout
    assert "factsheet-changes-" not in result.stdout


def test_an_unreadable_record_is_not_reported_as_removed(history, monkeypatch):
    repo, c = history
    (repo / "content/places/qingdao.yml").write_text("name: [unclosed\n")
    result = run(repo, c["rename"], monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "### Removed" not in result.stdout
    assert (
        "### Not compared\n\nA version could not be read (see the validation).\n\n"
        "- `places/qingdao` — Qingdao\n"
    ) in result.stdout


@pytest.mark.parametrize("revision", ["no-such-branch", "HEAD~99", "main:content"])
def test_bad_revision_exits_2_with_a_message(history, monkeypatch, revision):
    repo, _ = history
    result = run(repo, revision, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert repr(revision) in result.stderr
    assert "Traceback" not in result.output


def test_bad_head_revision_exits_2(history, monkeypatch):
    repo, _ = history
    result = run(repo, "main", "nope", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "unknown revision 'nope'" in result.stderr


def test_outside_git_exits_2(tmp_path, monkeypatch):
    write(tmp_path, BASE_CONTENT)
    result = run(tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr


def test_no_base_and_no_main_exits_2(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "-b", "trunk")
    commit(repo, "base", BASE_CONTENT)
    result = run(repo, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "neither origin/HEAD nor main exists: pass BASE" in result.stderr


def test_content_option_points_at_another_folder(history, monkeypatch):
    repo, c = history
    git(repo, "mv", "content", "facts")
    git(repo, "commit", "--quiet", "-m", "move")
    india = repo / "facts/actors/india.yml"
    india.write_text(india.read_text().replace("name: India", "name: Republic of India"))
    result = run(repo, "--content", "facts", "HEAD", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    changed = "- `actors/india` — Republic of India\n  - `name`: `India` → `Republic of India`\n"
    assert changed in result.stdout


# ---------------------------------------------------------------------------------------------
# The field diff on its own: identity matching


def test_quotes_match_by_speaker_and_text_and_disagreements_by_field_and_value():
    old = {
        "quotes": [{"by": "a", "text": "Hello", "language": "en"}],
        "disagreements": [{"field": "date", "value": "2025-06-25", "cite": ["s1"]}],
        "aliases": ["X", "Y"],
        "native_names": {"hi": "एक"},
    }
    new = {
        "quotes": [{"by": "a", "text": "Hello", "language": "en-GB"}, {"by": "b", "text": "Hi"}],
        "disagreements": [{"field": "date", "value": "2025-06-25", "cite": ["s1", "s2"]}],
        "aliases": ["Y", "Z"],
        "native_names": {"hi": "दो", "ru": "Два"},
    }
    assert diff_records(old, new) == [
        "- `quotes[a / Hello].language`: `en` → `en-GB`",
        "- `quotes`: added `b / Hi`",
        "- `disagreements[date / 2025-06-25].cite`: added `s2`",
        "- `aliases`: added `Z`; removed `X`",
        "- `native_names.hi`: `एक` → `दो`",
        "- `native_names.ru`: added `Два`",
    ]


def test_reordering_a_list_is_no_change_and_removed_entries_are_named():
    old = {"topics": ["a", "b"], "participants": [{"actor": "x"}, {"actor": "y"}], "note": "n"}
    new = {"topics": ["b", "a"], "participants": [{"actor": "y"}]}
    assert diff_records(old, new) == [
        "- `participants`: removed `x`",
        "- `note`: removed `n`",
    ]
