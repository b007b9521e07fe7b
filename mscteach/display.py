"""How tables, figures and text are shown to a reader: one place for chapters, explorers, briefs and the site.

* :func:`table_html`: a table for readers, not coders: no index column, human
  column labels, blanks instead of ``<NA>``, text left-aligned and numbers
  right-aligned, every cell HTML-escaped;
* :func:`figure_png`: a figure as PNG bytes with its alt text and caption in
  the output's metadata (the course site turns them into real alt text and a
  caption), at the resolution the caller asks for;
* :func:`markdown_html`: Markdown to HTML for explorers' static views.
"""
from __future__ import annotations

import html
import re
import io
import os
import weakref
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # matplotlib loads only where figures are drawn, not in `mscteach build`'s own process
    from matplotlib.figure import Figure
    from PIL import Image

__all__ = ["FIGURE_DATA", "FROM_SOURCES", "SITE_BUILD", "SOURCE_MARK", "SOURCE_NOTE", "column_label", "figure_alt",
           "figure_data_html", "figure_png", "localise_figure", "markdown_html", "prose_direction", "register_persian_font",
           "site_build", "table_html", "vocabulary_text"]

#: Set (to "1") by ``mscteach build`` in the kernels that execute the chapters for the course site.
SITE_BUILD = "MSCTEACH_SITE_BUILD"

#: The mark beside a value taken from a study's published report (the sources file) rather than the review.
SOURCE_MARK = "†"
#: The footnote under a table with marked values (an :func:`mscteach.i18n.say` template).
SOURCE_NOTE = "{mark} from the study's published report (sources file), not the review"
#: The ``DataFrame.attrs`` key naming a display table's cells from the sources file, as
#: ``{index label: [column, ...]}``: the data's own field name (set by :func:`mscteach.evidence.mark_from_sources`).
FROM_SOURCES = "fields_from_sources"

#: Column labels a reader understands; other columns show their name with spaces.
LABELS = {
    "study_id": "study id", "first_author": "first author", "author_as_printed": "author as printed",
    "ref_ids": "references", "n_total": "patients (n)", "n_treated": "treated (n)", "n_control": "controls (n)",
    "follow_up_weeks": "follow-up (weeks)", "dose_text": "dose (as printed)", "cell_type": "cells",
    "cell_origin": "origin", "year_text": "year", "seed_section": "section of the review",
    "evidence_level": "evidence level", "events_treated": "events, treated", "events_control": "events, control",
    "ci_low": "95% CI, low", "ci_high": "95% CI, high", "excluded_reason": "left out because",
    "mechanism_id": "id", "term_fa": "Persian term", "final_ecm": "final ECM",
    "change_vs_untreated_percent": "change vs untreated (%)", "share_of_target": "share of target",
    "smaller_arm": "smaller arm", "efficacy_finding": "efficacy", "safety_finding": "safety",
}


def site_build() -> bool:
    """Whether this kernel executes a chapter for the course site (static explorer views, sharper figures).

    Returns
    -------
    bool
        True when the site build set ``MSCTEACH_SITE_BUILD=1`` for the kernel.
    """
    return os.environ.get(SITE_BUILD) == "1"


def column_label(name: Any, lang: str | None = None) -> str:
    """The label a reader sees for a column.

    Parameters
    ----------
    name : str
        The column's name in the data (``n_treated``).
    lang : str, optional
        The language (default: :func:`mscteach.i18n.language`).

    Returns
    -------
    str

    Examples
    --------
    >>> column_label("n_treated", "en"), column_label("my_own_column", "en")
    ('treated (n)', 'my own column')
    """
    from . import i18n

    return i18n.text(LABELS.get(str(name), str(name).replace("_", " ")), lang)


def _cell(value: Any) -> tuple[str, bool]:
    """(escaped text, is a number) for one cell; missing values are blank."""
    if isinstance(value, (list, tuple)):
        return html.escape(", ".join(map(str, value))), False
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, float):
        return (f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.2f}"), True
    if isinstance(value, int):
        return str(value), True
    try:
        import numpy as np

        if isinstance(value, np.bool_):
            return ("yes" if bool(value) else "no"), False
        if isinstance(value, np.integer):
            return str(int(value)), True
        if isinstance(value, np.floating):
            return _cell(float(value))
    except ImportError:  # pragma: no cover - numpy comes with pandas
        pass
    return html.escape(str(value)), False


#: Columns whose values are a vocabulary (a design, a species, an outcome ...): in a translated edition a value the
#: figures' catalogue translates is shown translated; free text and names are left as the data hold them.
VOCABULARY_COLUMNS = frozenset({"aetiology", "applies", "arm_role", "category", "cell_origin", "cell_type", "challenge",
                                "control_type", "criterion", "design", "item", "mediator", "source", "target",
                                "disease", "evidence_level", "flags", "kind", "outcome", "outcome_type", "phase",
                                "route", "setting", "species", "stance", "status", "timepoint"})


def _vocabulary_value(text: str, lang: str | None) -> str:
    """A vocabulary value (HTML-escaped) in the language where the catalogue has it, else as written."""
    return html.escape(vocabulary_text(html.unescape(text), lang))


def vocabulary_text(text: str, lang: str | None = None) -> str:
    """A value of a curated table's vocabulary (a route, a control, a design) as a reader of the language sees it.

    Its translation where the ``figures`` catalogue has one, as the tables and
    figures show it; otherwise as written (a name, a dose), and not listed as
    a missing translation.

    Parameters
    ----------
    text : str
        The value, as the data write it.
    lang : str, optional
        The language (default: :func:`mscteach.i18n.language`).

    Returns
    -------
    str

    Examples
    --------
    >>> vocabulary_text("allogeneic", "fa"), vocabulary_text("Lin 2017", "fa"), vocabulary_text("allogeneic", "en")
    ('آلوژنیک', 'Lin 2017', 'allogeneic')
    """
    from . import i18n
    from .i18n.catalogues import shipped_catalogue

    lang = lang or i18n.language()
    if lang == "en" or not text:
        return text
    key = re.sub(r"\d+(?:\.\d+)?", "{n}", text)
    return i18n.text(text, lang) if key in shipped_catalogue(lang) else text


_LATIN = re.compile(r"[A-Za-z]")
_PERSIAN = re.compile(r"[\u0600-\u06FF]")
_PERSIAN_LETTER = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3]")  # letters, not digits or marks


def table_html(table: pd.DataFrame, index: bool = False, lang: str | None = None, caption: str | None = None) -> str:
    """A DataFrame as an HTML table for readers (see the module docstring).

    ``index=True`` keeps a meaningful index (a named index, e.g. the arms of a
    model summary) as the first column. ``lang`` is the language of the column
    labels and of the numbers' digits (default: the language of :mod:`mscteach.i18n`).
    A table whose ``attrs`` name cells from the sources file (:data:`FROM_SOURCES`,
    set by :func:`mscteach.evidence.mark_from_sources`) shows :data:`SOURCE_MARK`
    beside each of them and, under the table, the footnote :data:`SOURCE_NOTE`.

    Parameters
    ----------
    table : DataFrame
        The rows to show.
    index : bool, default False
        Show the index as the first column.
    lang : str, optional
        The language of labels and digits.
    caption : str, optional
        The table's ``<caption>`` (plain text, escaped here): what a screen
        reader names the table by; none by default.

    Returns
    -------
    str
        A ``<table>`` that scrolls on its own in a narrow page, followed by the
        footnote when a cell is marked.

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"n_treated": [56, None], "notes": ["a < b", None]})))
    ... # doctest: +NORMALIZE_WHITESPACE
    <table class="mscteach-table" tabindex="0"><thead><tr><th scope="col">treated (n)</th><th scope="col">notes</th></tr></thead>
    <tbody><tr><td class="number">56</td><td>a &lt; b</td></tr><tr><td></td><td></td></tr></tbody></table>
    """
    frame = table.reset_index() if index else table
    from . import i18n
    from .i18n import say

    head = "".join(f'<th scope="col">{html.escape(column_label(c, lang))}</th>' for c in frame.columns)
    rtl = (lang or i18n.language()) in i18n.RTL
    aware, marks = FROM_SOURCES in table.attrs, table.attrs.get(FROM_SOURCES) or {}
    rows, marked = [], False
    for label, row in zip(table.index, frame.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, row):
            text, number = _cell(value)
            if isinstance(value, (bool, np.bool_)):
                text = i18n.text(text, lang)
            elif isinstance(value, (list, tuple)) and all(isinstance(v, (int, np.integer)) for v in value):
                text = i18n.digits(text, lang)  # reference numbers, like every number of the table
            text = i18n.digits(text, lang) if number else text
            if not number and isinstance(value, str) and str(column) in VOCABULARY_COLUMNS:
                text = _vocabulary_value(text, lang)
            if text and column in marks.get(label, ()) and SOURCE_MARK not in text:
                text = f"{text} {SOURCE_MARK}"
            marked = marked or (aware and SOURCE_MARK in text)
            if number:
                cells.append(f'<td class="number">{text}</td>')
            elif rtl and len(text.split()) >= 4 and len(_LATIN.findall(text)) > len(_PERSIAN.findall(text)):
                # an English sentence left in a right-to-left page (a curation note quoting a Persian word, a
                # title): laid out left to right, or its closing punctuation and quotes land at the wrong end (a
                # name or a short phrase reads the same either way, and keeps the column's alignment)
                cells.append(f'<td dir="ltr">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    # the template written out, not SOURCE_NOTE: Babel finds a sentence for the catalogue only as a literal
    footnote = say("{mark} from the study's published report (sources file), not the review", lang, mark=SOURCE_MARK)
    note = f'\n<p class="footnote"><small>{html.escape(footnote)}</small></p>' if marked else ""
    # tabindex: a wide table scrolls sideways on the course site, and keyboard users must reach it too
    named = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="mscteach-table" tabindex="0">{named}<thead><tr>{head}</tr></thead>\n'
            f'<tbody>{"".join(rows)}</tbody></table>{note}')


def figure_alt(fig: Figure) -> str:
    """Alt text for a figure: what it shows (its title, axes and marks), not its code.

    A plotting function may set ``fig.mscteach_alt`` to say more; otherwise the
    text is made from the figure itself. Bars standing on labelled categories
    are read with their values: every category when there are at most
    :data:`~mscteach.alt_text.ALT_LISTED`, otherwise how many there are and the
    :data:`~mscteach.alt_text.ALT_EXTREMES` largest and smallest, so no category is left out
    without the reader being told.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished figure.

    Returns
    -------
    str
        One paragraph, in the language the figure was localised to.
    """
    from .alt_text import describe
    from .i18n import language

    given = getattr(fig, "mscteach_alt", None)
    if given:
        return str(given)
    return " ".join(describe(fig, _LOCALISED.get(fig) or language()).split())


def _drawn(fig: Figure, dpi: float) -> "Image.Image":
    """The figure drawn once, at ``dpi``, as an RGBA image.

    One pass: ``savefig`` draws a figure with a layout engine twice, first
    without rendering (to lay it out), then for real; a canvas lays it out and
    renders it in the same draw, to the same pixels.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    original = fig.dpi
    fig.dpi = dpi
    try:
        canvas.draw()
        return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).copy()
    finally:
        fig.dpi = original


def _quantized_png(fig: Figure, dpi: float) -> bytes:
    """The figure as a 64-colour PNG: these charts look the same and the pages weigh a third as much.

    The pixels go straight from matplotlib to Pillow (no PNG in between), and
    Pillow's fast octree quantizer is both quicker and smaller than median cut here.
    """
    from PIL import Image

    quantized = _drawn(fig, dpi).convert("RGB").quantize(64, Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG")
    return out.getvalue()


#: The attribute a plotting function sets on its figure to the table it drew (:func:`figure_data_html`).
FIGURE_DATA = "mscteach_data"


def figure_data_html(fig: Figure, lang: str | None = None) -> str:
    """The table a figure was drawn from, in a toggle "The figure's data", as HTML (empty if it has none).

    A plotting function records what it drew as ``fig.mscteach_data``
    (:data:`FIGURE_DATA`): a DataFrame whose rows are the categories, years
    or studies in the order a reader meets them and whose columns are named
    as the figure names them (``"for"``, ``"studies"``), or, for a figure of
    several panels, a dict of panel name to DataFrame. Each becomes an
    accessible table (:func:`table_html`) captioned with the figure's title
    (and the panel's name). In a translated edition the column names are
    translated as the figure's own texts are (:func:`mscteach.i18n.text`), a
    text cell the figures' catalogue knows (a category, a design) is shown as
    the figure shows it, a name (a study, an author) as written, and numbers
    take the language's digits; a text column ``NAME`` with a twin
    ``NAME_LANG`` (a curated table's ``headline`` and ``headline_fa``) shows
    the twin where it is filled; twin columns are never shown. Empty tables
    are left out.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished figure, localised already if it is to be shown translated.
    lang : str, optional
        The language (default: the one the figure was localised to, else
        :func:`mscteach.i18n.language`).

    Returns
    -------
    str
        ``<details class="mscteach-figure-data">`` holding one table per
        panel, or ``""`` for a figure without a table.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> fig.suptitle("Studies per design")  # doctest: +ELLIPSIS
    Text(...)
    >>> fig.mscteach_data = pd.DataFrame({"design": ["RCT"], "studies": [3]})
    >>> shown = figure_data_html(fig, "en")
    >>> print(shown[:shown.index("<table")])
    <details class="mscteach-figure-data"><summary>The figure's data</summary>
    >>> print(shown[shown.index("<table"):shown.index("<thead>")])
    <table class="mscteach-table" tabindex="0"><caption>Studies per design</caption>
    >>> print(shown[shown.index("<tbody>"):])
    <tbody><tr><td>RCT</td><td class="number">3</td></tr></tbody></table></details>
    """
    from .i18n import language, say, text

    drawn = getattr(fig, FIGURE_DATA, None)
    if drawn is None:
        return ""
    lang = lang or _LOCALISED.get(fig) or language()
    panels = drawn if isinstance(drawn, dict) else {"": drawn}
    title = fig.get_suptitle() or next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
    tables = []
    for panel, table in panels.items():
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"fig.{FIGURE_DATA} must be a DataFrame or a dict of them; got {type(table).__name__}")
        if table.empty:
            continue
        # the alt text's "{panel}: {description}" sentence: one entry of the catalogue serves both
        caption = title if not panel else say("{panel}: {description}", lang, panel=title,
                                              description=text(panel, lang))
        tables.append(table_html(_figure_table(table, lang), lang=lang, caption=" ".join(caption.split())))
    if not tables:
        return ""
    summary = say("The figure's data", lang)
    return (f'<details class="mscteach-figure-data"><summary>{html.escape(summary, quote=False)}</summary>'
            f'{"".join(tables)}</details>')


def _figure_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A figure's table with its text as the figure shows it in ``lang`` (twins taken, figure texts translated)."""
    from .i18n import LANGUAGES, text
    from .i18n.catalogues import shipped_catalogue

    frame = table.copy()
    twins = {f"{column}_{code}" for column in frame.columns for code in LANGUAGES if code != "en"}
    for column in list(frame.columns):
        twin = f"{column}_{lang}"
        if lang != "en" and twin in frame.columns:
            filled = frame[twin].notna() & (frame[twin].astype(str).str.strip() != "")
            frame[column] = frame[twin].where(filled, frame[column])
    frame = frame[[c for c in frame.columns if c not in twins]]
    if lang != "en":
        known = shipped_catalogue(lang)

        def shown(value: str) -> str:
            # a label the figures' catalogue knows (a category, a design) as the figure shows it, numbers in the
            # language's digits; a name (a study, an author) as written, and not listed as missing
            key = re.sub(r"\d+(?:[.,]\d+)*", "{n}", value)
            return text(value, lang) if key in known or not re.search(r"[A-Za-z]", value) else value

        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                frame[column] = [shown(v) if isinstance(v, str) else v for v in frame[column]]
    frame.attrs = dict(table.attrs)
    return frame


def figure_png(fig: Figure, dpi: float | None = None) -> tuple[bytes, dict[str, str]]:
    """A figure as PNG bytes, with ``alt`` and ``caption`` metadata, and ``data`` where it records its table.

    ``dpi`` defaults to the figure's own, or 144 (sharp on a projector) when
    the chapter runs for the course site. A figure whose plotting function
    recorded the table it drew (``fig.mscteach_data``) carries that table as
    HTML, in a toggle, in ``data`` (:func:`figure_data_html`): the course site
    and the explorers' static views show it under the figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished figure; it is localised first (:func:`localise_figure`).
    dpi : float, optional
        Resolution of the PNG.

    Returns
    -------
    tuple
        ``(png bytes, {"alt": ..., "caption": ...})`` (plus ``width``/``height`` in a site build, and
        ``data`` for a figure with a table).
    """
    localise_figure(fig)  # nothing to do in English
    buffer = io.BytesIO()
    dpi = dpi or (144 if site_build() else fig.dpi)
    if site_build():
        buffer = io.BytesIO(_quantized_png(fig, dpi))
    else:  # as savefig writes it: the resolution recorded, no text chunk
        _drawn(fig, dpi).save(buffer, format="png", dpi=(dpi, dpi))
    title = fig.get_suptitle() or next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
    metadata = {"alt": figure_alt(fig), "caption": title}
    data = figure_data_html(fig)
    if data:
        metadata["data"] = data
    if site_build():  # shown at 96 pixels per inch, drawn at 144: labels readable and sharp
        width, height = fig.get_size_inches()
        metadata.update(width=f"{round(width * 96)}", height=f"{round(height * 96)}")
    return buffer.getvalue(), metadata


def markdown_html(text: str) -> str:
    """Markdown (as the explorers write it) to HTML.

    Parameters
    ----------
    text : str
        Markdown.

    Returns
    -------
    str

    Examples
    --------
    >>> markdown_html("**2** studies")
    '<p><strong>2</strong> studies</p>\\n'
    """
    import mistune

    rendered = mistune.html(text)
    assert isinstance(rendered, str)  # the HTML renderer (an AST renderer would give a list)
    return rendered


def prose_direction(text: str, lang: str | None = None) -> str | None:
    """The direction a sentence of an explorer or a caption is laid out in: None unless the language is right to left.

    In a right-to-left edition a sentence with any Persian word in it is a
    Persian sentence, laid out right to left even when it opens with a code
    or a measure ("RR ۰٫۴۹ ...", "RoB 2 ..."); taking the direction of its
    first letter, as a browser's ``plaintext`` does, would set it left to
    right and scramble its order. A sentence with no Persian letter (a
    curation note quoted in English) is laid out left to right.

    Parameters
    ----------
    text : str
        The sentence (Markdown or plain text).
    lang : str, optional
        The language (default: :func:`mscteach.i18n.language`).

    Returns
    -------
    str or None
        ``"rtl"``, ``"ltr"``, or None in a left-to-right language.

    Examples
    --------
    >>> prose_direction("RR ۰٫۴۹ (بازه اطمینان ۹۵٪)", "fa"), prose_direction("Open-label.", "fa")
    ('rtl', 'ltr')
    >>> prose_direction("RR 0.49", "en") is None
    True
    """
    from . import i18n

    if (lang or i18n.language()) not in i18n.RTL:
        return None
    return "rtl" if _PERSIAN_LETTER.search(text) else "ltr"


@lru_cache(maxsize=1)
def register_persian_font() -> str:
    """Make Vazirmatn (shipped with mscteach) known to matplotlib; returns its family name."""
    from matplotlib import font_manager

    from . import i18n

    font_manager.fontManager.addfont(str(i18n.FONT))
    font_manager.fontManager.addfont(str(i18n.BOLD))  # titles are bold
    return font_manager.FontProperties(fname=str(i18n.FONT)).get_name()


def localise_figure(fig: "Figure", lang: str | None = None) -> "Figure":
    """Translate a finished figure's texts in place and set them in the language's font.

    Titles, axis and tick labels, legends and notes are looked up in the
    ``figures`` catalogue (:func:`mscteach.i18n.text`); numbers take the
    language's digits. Nothing happens in English or a second time.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished figure.
    lang : str, optional
        The language (default: :func:`mscteach.i18n.language`).

    Returns
    -------
    matplotlib.figure.Figure
        The same figure.
    """
    from . import i18n

    lang = lang or i18n.language()
    if lang == "en" or _LOCALISED.get(fig) == lang:
        return fig
    from matplotlib.text import Text
    from matplotlib.ticker import Formatter

    class LocalisedFormatter(Formatter):
        """A tick formatter whose labels are translated: category names in the language, numbers in its digits."""

        def __init__(self, original: Formatter) -> None:
            self.original = original

        def __call__(self, x, pos=None):
            return i18n.text(self.original(x, pos), lang)

        def set_locs(self, locs):  # scalar formatters choose their format from the locations
            self.original.set_locs(locs)

        def get_offset(self):
            return self.original.get_offset()

    family = [register_persian_font(), "DejaVu Sans"]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            original = axis.get_major_formatter()
            if type(original).__name__ != "LocalisedFormatter":
                axis.set_major_formatter(LocalisedFormatter(original))
            minor = axis.get_minor_formatter()  # a log axis labels some minor ticks (0.2, 0.5) as well
            if type(minor).__name__ not in ("LocalisedFormatter", "NullFormatter"):
                axis.set_minor_formatter(LocalisedFormatter(minor))
        ax.tick_params(labelfontfamily=family)
    for artist in fig.findobj(Text):
        content = artist.get_text()
        if content:
            artist.set_text(i18n.text(content, lang))
        artist.set_fontfamily(family)
    _LOCALISED[fig] = lang
    return fig


#: The language each figure was localised to (figures are not ours to add attributes to).
_LOCALISED: "weakref.WeakKeyDictionary[Figure, str]" = weakref.WeakKeyDictionary()
