"""The gettext catalogues the package ships, read with Babel: one reader for every PO file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["LOCALE", "SENTENCES", "PluralEntries", "catalogue_file", "read_catalogue", "read_plurals",
           "shipped_catalogue", "shipped_plurals"]

#: Where the catalogues live: ``LOCALE/LANG/LC_MESSAGES/DOMAIN.po``.
LOCALE = Path(__file__).resolve().parent.parent / "locale"
#: The catalogue of the sentences the package writes (:func:`mscteach.i18n.say`), beside ``figures.po``.
SENTENCES = "sentences"


def catalogue_file(lang: str, domain: str, locale: Path | None = None) -> Path:
    """The PO file of ``domain`` (a page, ``figures``, ``sentences``, ``theme``) in ``lang``.

    Parameters
    ----------
    lang : str
        A language code.
    domain : str
        The catalogue's name.
    locale : Path, optional
        The catalogues' folder (default: the package's).

    Returns
    -------
    Path
    """
    return (locale or LOCALE) / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalogue(path: Path) -> dict[str, str]:
    """A PO catalogue's confirmed translations (English text -> translation; fuzzy and empty ones left out).

    Read again only when the file changes. The one PO reader of the package (Babel's).

    Parameters
    ----------
    path : Path
        The ``.po`` file.

    Returns
    -------
    dict
    """
    path = Path(path)
    return dict(_read_po(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _read_po(path: str, stamp: int) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        catalog = read_po(f)
    # entries with plural forms are read by read_plurals
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string and not m.fuzzy}


class PluralEntries:
    """A catalogue's confirmed entries with plural forms, and its rule for choosing a form for a count.

    Parameters
    ----------
    forms : dict
        ``(singular, plural)`` English templates -> the translation's forms, in the catalogue's order.
    expression : str
        The catalogue's gettext plural expression (``Plural-Forms: ... plural=(n != 1)``), in C syntax.
    """

    def __init__(self, forms: dict[tuple[str, str], tuple[str, ...]], expression: str) -> None:
        import gettext

        self.forms = forms
        self.expression = expression
        self._choose = gettext.c2py(expression)

    def choose(self, english: tuple[str, str], n: int) -> str | None:
        """The translation's form for ``n``, or None when the catalogue has no confirmed translation.

        Parameters
        ----------
        english : tuple of str
            The English singular and plural templates.
        n : int
            The count that chooses the form.

        Returns
        -------
        str or None
        """
        forms = self.forms.get(english)
        if not forms:
            return None
        return forms[min(self._choose(n), len(forms) - 1)]


def read_plurals(path: Path) -> PluralEntries:
    """The entries with plural forms of a PO catalogue (fuzzy and untranslated ones left out), read with Babel.

    Parameters
    ----------
    path : Path
        The ``.po`` file.

    Returns
    -------
    PluralEntries
    """
    path = Path(path)
    return _read_plurals(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _read_plurals(path: str, stamp: int) -> PluralEntries:
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        catalog = read_po(f)
    forms = {(m.id[0], m.id[1]): tuple(m.string) for m in catalog
             if isinstance(m.id, (tuple, list)) and isinstance(m.string, (tuple, list)) and all(m.string)
             and not m.fuzzy}
    return PluralEntries(forms, catalog.plural_expr)


@lru_cache(maxsize=8)
def shipped_catalogue(lang: str, domain: str = "figures") -> dict[str, str]:
    """The shipped catalogue ``domain`` of ``lang``, read once; empty when there is none.

    Parameters
    ----------
    lang : str
        A language code (``"fa"``).
    domain : str, default "figures"
        The catalogue: ``figures``, ``sentences``, ``theme`` or a page's name.

    Returns
    -------
    dict
        English text -> confirmed translation.
    """
    path = catalogue_file(lang, domain)
    return read_catalogue(path) if path.is_file() else {}


@lru_cache(maxsize=8)
def shipped_plurals(lang: str, domain: str = SENTENCES) -> PluralEntries:
    """The entries with plural forms of the shipped catalogue ``domain`` of ``lang`` (empty when there is none).

    Parameters
    ----------
    lang : str
        A language code (``"fa"``).
    domain : str, default "sentences"
        The catalogue.

    Returns
    -------
    PluralEntries
    """
    path = catalogue_file(lang, domain)
    return read_plurals(path) if path.is_file() else PluralEntries({}, "(n != 1)")
