"""Shared fixtures. Keep this file small and additive: one fixture a concern."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"


def copy_content(source: Path, target: Path) -> Path:
    """Copy a content tree (actors/, meetings/, …) to `target` and return `target`."""
    shutil.copytree(source, target)
    return target


@pytest.fixture
def valid_content(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/valid/ that a test may change freely."""
    return copy_content(VALID, tmp_path / "content")
