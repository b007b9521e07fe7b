"""The gettext catalogues the package ships, read with Babel: one reader for every PO file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["LOCALE", "SENTENCES", "catalogue_file", "read_catalogue", "shipped_catalogue"]

#: Where the catalogues live: ``LOCALE/LANG/LC_MESSAGES/DOMAIN.po``.
LOCALE = Path(__file__).resolve().parent.parent / "locale"
#: The catalogue of the sentences the package writes (:func:`mscteach.i18n.say`), beside ``figures.po``.
SENTENCES = "sentences"


def catalogue_file(lang: str, domain: str, locale: Path | None = None) -> Path:
    """The PO file of ``domain`` (a page, ``figures``, ``sentences``, ``theme``) in ``lang``."""
    return (locale or LOCALE) / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalogue(path: Path) -> dict[str, str]:
    """A PO catalogue's confirmed translations (English text -> translation; fuzzy and empty ones left out).

    Read again only when the file changes. The one PO reader of the package (Babel's).
    """
    path = Path(path)
    return dict(_read_po(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _read_po(path: str, stamp: int) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        catalog = read_po(f)
    # plural entries (an id and string per form) are not used by the package: only singular ones are read
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string and not m.fuzzy}


@lru_cache(maxsize=8)
def shipped_catalogue(lang: str, domain: str = "figures") -> dict[str, str]:
    """The shipped catalogue ``domain`` of ``lang``, read once; empty when there is none."""
    path = catalogue_file(lang, domain)
    return read_catalogue(path) if path.is_file() else {}
