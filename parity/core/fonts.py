"""The CJK font of the documents (Word) and the charts (matplotlib) Parity writes."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
MISSING_FONT = (
    "No CJK font for the report's charts: install Debian's package fonts-noto-cjk "
    "(apt-get install fonts-noto-cjk)."
)


@lru_cache(maxsize=1)
def cjk_font_path() -> str:
    """The file of a Noto CJK (Simplified Chinese) font, by matplotlib's font list, else
    by fontconfig; ``ImproperlyConfigured`` naming the Debian package when neither has one."""
    # deferred: matplotlib takes half a second to import; only documents and charts need it
    from matplotlib import font_manager

    for family in CJK_FAMILIES:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == family:
                return entry.fname
    if shutil.which("fc-match"):
        for family in CJK_FAMILIES:
            found = subprocess.run(
                ["fc-match", "--format=%{file}\n%{family}", f"{family}:lang=zh-cn"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.splitlines()
            if len(found) == 2 and "CJK" in found[1]:
                return found[0]
    raise ImproperlyConfigured(MISSING_FONT)
