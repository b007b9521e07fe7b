"""The explorer: controls, an output area and a render function of the data; the controls every explorer uses."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import HTML, Image, Markdown, display
from matplotlib.figure import Figure

from .. import evidence, i18n
from .. import display as display_helpers
from ..data import vocabulary
from ..i18n import say
from ..i18n.messages import live_note
from ..render import render

__all__ = ["Explorer", "STYLE", "WIDE"]

WIDE = w.Layout(width="95%")
STYLE = {"description_width": "140px"}


class Explorer(w.VBox):
    """A titled set of controls whose output is ``render(**values)``.

    Parameters
    ----------
    name : str
        Shown in the title and in ``repr`` (which stays the same on every run,
        so stored notebook outputs do not change).
    controls : dict of str to Widget
        Keyword name of each value for ``render``, and its control.
    render : callable
        ``render(**values) -> list`` of displayable objects.
    help : str
        One line telling the student what to try.
    static_help : str, optional
        The line the static copy on the course site shows instead, where the
        main control is a list of precomputed views (default: ``help``): a
        help that speaks of dragging or Ctrl/Cmd-clicking needs one.
    redraw : callable, optional
        ``redraw(figures, **values) -> list or None``: what ``render(**values)``
        returns, with the figures the live widget drew last (``figures``, in
        order; a view without a figure keeps them) updated in place to the new
        values instead of drawn anew; or None where it cannot, and ``render``
        is called. Only the live widget calls it (the figures it returns are
        shown at once; a static copy needs a figure per view): every result
        must be what ``render`` returns for the same values.

    Notes
    -----
    The live widget remembers the outputs of its last :data:`SHOWN_VIEWS`
    views, so going back to a view shown before redraws nothing. ``render``
    must therefore be a function of the values alone (and of the language).
    """

    def __init__(self, name: str, controls: dict[str, w.ValueWidget], render: Callable[..., list], help: str,
                 static_help: str | None = None, redraw: Callable[..., list | None] | None = None) -> None:
        from .. import i18n

        name, help = i18n.text(name), i18n.text(help)
        self.static_help = help if static_help is None else i18n.text(static_help)
        if i18n.language() != "en":  # labels in the reader's language; the values stay what render() expects
            for control in controls.values():
                control.description = i18n.text(control.description)
                options = getattr(control, "options", None)
                if options and all(isinstance(o, str) for o in options):
                    value = control.value
                    control.options = [(i18n.text(o), o) for o in options]
                    control.value = value
        self.name = name
        self.help = help
        self.controls = controls
        self.render = render
        self.redraw = redraw
        self.output = w.Output()
        self._shown: OrderedDict[Hashable, tuple[dict, ...]] = OrderedDict()  # view key -> outputs, oldest first
        self._figures: list[Figure] = []  # the figures the live widget drew last, for redraw
        super().__init__([self.header(), *controls.values(), self.output])
        for control in controls.values():
            control.observe(self._update, names="value")
        if not display_helpers.site_build():  # the site shows static_html(), which draws the default view itself
            self._update()

    def header(self) -> w.HTML:
        """The explorer's name and help, laid out in the direction of the reader's language.

        Returns
        -------
        ipywidgets.HTML
        """
        line = f"<b>{self.name}</b> &mdash; {self.help}"
        return w.HTML(_in_direction(line, line))

    def values(self) -> dict[str, Any]:
        """The current value of every control, by keyword.

        Returns
        -------
        dict of str to object
            The keyword arguments :meth:`results` gives ``render``.
        """
        return {key: control.value for key, control in self.controls.items()}

    def results(self) -> list:
        """What the explorer shows for the current values.

        Returns
        -------
        list
            ``render(**self.values())``: DataFrames, Figures, Markdown.
        """
        return self.render(**self.values())

    def _update(self, change: dict | None = None) -> None:
        # Set the Output widget's content through its state rather than by capturing
        # display messages: the result is then the same under JupyterLab, papermill and
        # nbval, which route captured messages differently.
        # The new outputs replace the old ones in one assignment, so a browser never sees
        # an empty or half-drawn explorer in between.
        from IPython.core.interactiveshell import InteractiveShell

        values = self.values()
        key = _view_key(values)
        outputs = self._shown.get(key) if key is not None else None
        if outputs is None:
            formatter = InteractiveShell.instance().display_formatter
            assert formatter is not None  # an InteractiveShell always has one
            items = self._live_results(values)
            self._figures = [item for item in items if isinstance(item, Figure)] or self._figures
            shown = []
            for item in items:
                data, metadata = formatter.format(as_png(item) if isinstance(item, Figure) else _directed(item))
                shown.append({"output_type": "display_data", "data": data, "metadata": metadata})
            outputs = tuple(shown)
        if key is not None:
            self._shown[key] = outputs
            self._shown.move_to_end(key)
            while len(self._shown) > SHOWN_VIEWS:
                self._shown.popitem(last=False)
        self.output.outputs = outputs

    def _live_results(self, values: dict[str, Any]) -> list:
        """The results for ``values``, the figures shown now redrawn in place where :attr:`redraw` can."""
        if self.redraw is not None and self._figures:
            items = self.redraw(self._figures, **values)
            if items is not None:
                return items
        return self.render(**values)

    def show(self, interactive: bool = True) -> None:
        """Display the live widget, or (``interactive=False``) its current results as plain outputs.

        When the chapter runs for the course site (no kernel will be there to
        answer the controls), the explorer shows a static copy instead: its
        default view and precomputed views of its main control, switched in
        the page without a kernel or network (:meth:`static_html`).

        Parameters
        ----------
        interactive : bool, default True
            False shows the results as ordinary outputs (papermill, CI).
        """
        if not interactive:
            for item in self.results():
                display(item)
        elif display_helpers.site_build():
            display(HTML(self.static_html()))
        else:
            display(self)

    def static_views(self) -> list[tuple[str, dict[str, Any]]]:
        """(label, control values) for each precomputed view: the main (first) control's values, defaults first.

        Returns
        -------
        list of tuple of (str, dict)
            The current view first, then every other option of the main
            control (for a multiple choice, each option added or, when all
            are chosen, left out; for a slider, a few positions across its
            range); repeated labels are dropped. The other controls keep
            their values.
        """
        key, control = next(iter(self.controls.items()))
        current = self.values()
        views: list[tuple[str, dict[str, Any]]] = []
        for value in positions(control):
            label = f"{control.description}: {shown_value(value)}"
            if all(label != existing for existing, _ in views):
                views.append((label, {**current, key: value}))
        return views

    def static_html(self) -> str:
        """The explorer as a static page fragment: a chooser over :meth:`static_views` and one panel per view.

        What every view shows alike (the leading and trailing results that are
        the same in all of them, such as a trial's description) is shown once,
        outside the panels, and the reading lists of the views
        (:func:`mscteach.evidence.further_reading`) are gathered into one list
        under the panels, each panel naming its references by number: a page
        with many views then repeats neither.

        Returns
        -------
        str
            HTML with the figures inlined as PNG, needing no kernel or network.
        """
        from markupsafe import Markup

        views = self.static_views()
        results = [self.render(**values) for _, values in views]
        lists = [[item for item in result if _is_reading_list(item)] for result in results]
        # the default view as sharp as the chapter's figures; the others at screen resolution (quicker)
        bodies = [[_reading_list_line(item) if _is_reading_list(item) else static_item(item, dpi=None if i == 0 else 96)
                   for item in result] for i, result in enumerate(results)]
        before, after = shared_ends(bodies) if len(bodies) > 1 else (0, 0)
        shown = [{"label": label, "body": Markup("").join(body[before:len(body) - after])}
                 for (label, _), body in zip(views, bodies)]
        reading = [frame for found in lists for frame in found]
        gathered = None
        if reading:
            frame = pd.concat(reading).drop_duplicates("ref_id").sort_values("ref_id", kind="stable")
            gathered = Markup(display_helpers.table_html(frame.reset_index(drop=True), index=False))
        ident = "explorer-" + "".join(ch if ch.isalnum() else "-" for ch in self.name.lower()).strip("-")
        return str(render("explorer.html.j2", views=shown, name=self.name, help=self.static_help, ident=ident,
                          main=next(iter(self.controls.values())).description,
                          shared_before=Markup("").join(bodies[0][:before]),
                          shared_after=Markup("").join(bodies[0][len(bodies[0]) - after:]),
                          reading_heading=say("The references of these views") if gathered is not None else "",
                          reading=gathered, live_note=Markup(live_note(len(views)))))

    def __repr__(self) -> str:
        return f"<{self.name} explorer: {len(self.controls)} controls>"


#: How many views a live explorer remembers the outputs of (a view's outputs weigh some 50-150 kB: its PNG and tables).
SHOWN_VIEWS = 16


def _view_key(values: dict[str, Any]) -> Hashable | None:
    """What identifies a live view: the language and every control's value (None if a value cannot be a key)."""
    key = (i18n.language(), tuple(values.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def positions(control: w.ValueWidget) -> list[Any]:
    """The values a static copy precomputes for a control: every option, or a handful of positions."""
    current = control.value
    values = list(getattr(control, "_options_values", getattr(control, "options", ())))  # (label, value) options
    if isinstance(control, w.SelectMultiple):
        options = values
        if set(current) == set(options):  # all chosen: the view without each one in turn
            return [tuple(current)] + [tuple(o for o in options if o != left) for left in options]
        return [tuple(current)] + [tuple(dict.fromkeys([*current, added])) for added in options if added not in current]
    if hasattr(control, "options"):
        return [current] + [o for o in values if o != current]
    if isinstance(control, w.IntRangeSlider):
        low, high = control.min, control.max
        third = (high - low) // 3
        return [tuple(current), (low, high), (low, low + third), (low + third, high - third), (high - third, high)]
    if isinstance(control, (w.FloatSlider, w.IntSlider)):
        steps = [control.min + (control.max - control.min) * k / 4 for k in range(5)]
        if isinstance(control, w.IntSlider):
            steps = [int(round(v)) for v in steps]
        else:
            steps = [round(round(v / control.step) * control.step, 10) for v in steps]
        return [current] + [v for v in steps if v != current]
    return [current]


def shown_value(value: Any) -> str:
    """A control value as a static view's label names it (in the language of :mod:`mscteach.i18n`)."""
    from .. import i18n

    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return ", ".join(map(i18n.text, value)) if value else i18n.text("none")
    if isinstance(value, tuple):
        return "-".join(i18n.digits(v) for v in value)
    return i18n.text(str(value))


def shared_ends(bodies: Sequence[Sequence[str]]) -> tuple[int, int]:
    """How many leading and trailing parts every view has alike (never a whole view, so each panel keeps a part).

    Parameters
    ----------
    bodies : sequence of sequence of str
        Each view's parts, as rendered HTML.

    Returns
    -------
    tuple of (int, int)
        The number of identical parts at the start of every view, and at the end.

    Examples
    --------
    >>> shared_ends([["a", "b", "z"], ["a", "c", "z"]])
    (1, 1)
    >>> shared_ends([["a", "b"], ["a", "b"]])
    (1, 0)
    """
    shortest = min(len(body) for body in bodies)
    before = 0
    while before < shortest - 1 and all(body[before] == bodies[0][before] for body in bodies):
        before += 1
    after = 0
    while (after < shortest - 1 - before
           and all(body[len(body) - 1 - after] == bodies[0][len(bodies[0]) - 1 - after] for body in bodies)):
        after += 1
    return before, after


def _is_reading_list(item: Any) -> bool:
    return (isinstance(item, pd.DataFrame) and bool(item.attrs.get("reading_list"))
            and {"ref_id", "citation"} <= set(item.columns))


def _reading_list_line(frame: pd.DataFrame) -> str:
    from markupsafe import Markup

    numbers = ", ".join(i18n.digits(n) for n in frame["ref_id"])
    return Markup(display_helpers.markdown_html(say("*References* (listed under the explorer): {numbers}",
                                                    numbers=numbers)))


def static_item(item: Any, dpi: float | None = None) -> str:
    """One displayable result as static HTML (figures inline, so the page needs nothing else)."""
    import base64

    from markupsafe import Markup

    if isinstance(item, Figure):
        data, metadata = display_helpers.figure_png(item, dpi=dpi)
        return render("figure.html.j2", png=base64.b64encode(data).decode(), width=metadata.get("width"),
                      alt=metadata["alt"], caption=metadata["caption"], data=Markup(metadata.get("data", "")),
                      direction=display_helpers.prose_direction(metadata["caption"]))
    if isinstance(item, pd.DataFrame):
        return Markup(display_helpers.table_html(item, index=item.index.name is not None))
    if isinstance(item, Markdown):
        return Markup(_in_direction(display_helpers.markdown_html(item.data), item.data))
    return render("preformatted.html.j2", text=str(item))


def _directed(item: Any) -> Any:
    """A sentence of a right-to-left edition as HTML laid out in its direction (JupyterLab and Voilà set Markdown
    left to right); anything else as it is."""
    if not isinstance(item, Markdown):
        return item
    if display_helpers.prose_direction(item.data) is None:
        return item
    from IPython.display import HTML

    return HTML(_in_direction(display_helpers.markdown_html(item.data), item.data))


def _in_direction(fragment: str, text: str) -> str:
    """An HTML fragment in a ``<div dir>`` of ``text``'s direction (:func:`mscteach.display.prose_direction`), or
    as it is in a left-to-right language."""
    direction = display_helpers.prose_direction(text)
    return f'<div dir="{direction}">{fragment}</div>' if direction else fragment


def restart_layout(fig: Figure) -> None:
    """Put every axes of a redrawn figure where a new figure's axes start, before it is drawn again.

    Constrained layout starts from where the axes are: a figure redrawn in
    place from its last layout would come out a fraction of a pixel off the
    same figure drawn anew.
    """
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is not None and ax.get_in_layout():
            ax.set_position(spec.get_position(fig))
            ax.set_in_layout(True)  # set_position takes an axes out of the layout; it stays in


def as_png(fig: Figure) -> Image:
    """A figure as a PNG image, so the widget shows it whatever matplotlib backend is active."""
    data, metadata = display_helpers.figure_png(fig)
    return Image(data=data, format="png", metadata=metadata)


def options_of(table: str, field: str) -> list[str]:
    return [evidence.ALL, *vocabulary(table, field)]


def dropdown(description: str, options: Sequence[str], value: str = evidence.ALL) -> w.Dropdown:
    return w.Dropdown(description=description, options=list(options), value=value, style=STYLE)


def no_match(what: str) -> Markdown:
    return Markdown(say("*No {what} match this selection.* Widen a filter (choose **all**) to see more.",
                        what=i18n.text(what)))


# --------------------------------------------------------------------------- 1 history
