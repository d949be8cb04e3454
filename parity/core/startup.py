"""What a web worker does once when it starts, so that no user's request pays for it.

The first request a Django process answers imports the URL configuration (every view, the
API with DRF, pypinyin's dictionaries: about 1.5 s on the reference machine) and compiles
each template it renders (a few ms each); under gunicorn every worker paid that on its
first requests, which showed in the page tour's p95 (bench/README.md)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.urls import get_resolver


def own_template_names() -> list[str]:
    """Every template of Parity's own apps (``parity/*/templates``)."""
    root = Path(settings.BASE_DIR) / "parity"
    names = []
    for name in engines["django"].template_dirs:  # type: ignore[attr-defined]
        directory = Path(name)
        if root not in directory.parents:
            continue
        names += [str(p.relative_to(directory)) for p in sorted(directory.rglob("*.html"))]
    return names


def warm_up() -> int:
    """Load the URL configuration and compile Parity's templates into the cached loader;
    the number of templates compiled."""
    get_resolver().url_patterns  # noqa: B018 - the property imports the URL configuration
    names = own_template_names()
    for name in names:
        get_template(name)
    return len(names)
