"""Data that carry both languages: the English text when English is active and the
data have it, else the Chinese (the source language)."""

from __future__ import annotations

from django.utils.translation import get_language


def english_active() -> bool:
    return (get_language() or "").startswith("en")


def in_language(zh: str, en: str | None) -> str:
    """``en`` when the active language is English and ``en`` is not empty, else ``zh``."""
    return en if en and english_active() else zh
