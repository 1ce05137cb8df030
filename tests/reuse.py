"""The data files for reuse, made once from the shipped content (real YAML, the real stages)."""

from __future__ import annotations

import functools
from pathlib import Path

from generator import pipeline
from generator.api import api_files
from generator.link import Facts
from generator.popolo import popolo_files
from generator.sqlite_export import sqlite_files

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def shipped_facts() -> Facts:
    checked = pipeline.check(ROOT / "content")
    assert checked.ok, checked.problems
    return checked.facts


@functools.cache
def shipped_assets(directory_urls: bool = True) -> dict[str, bytes]:
    """What pipeline.build adds for reuse (it runs these three after rendering)."""
    assets: dict[str, bytes] = {}
    for make in (api_files, popolo_files, sqlite_files):
        assets.update(make(shipped_facts(), directory_urls=directory_urls))
    return assets
