"""Tests keep stored files in a directory of their own."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.services.shared import settings


def use_upload_dir(monkeypatch, path: Path) -> None:
    """The services store uploads and frozen documents under ``path`` for this test."""
    monkeypatch.setattr(settings, "_current", replace(settings.current(), upload_dir=Path(path)))
