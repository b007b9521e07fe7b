"""A self-check as a widget: a question, options or a number box, and feedback from the tested checker."""
from __future__ import annotations

from typing import Any

import ipywidgets as w
from IPython.display import HTML, display

from .. import i18n, selfchecks
from .. import display as display_helpers
from ..i18n.messages import self_check_heading, show_answer
from ..render import render

from .core import STYLE, WIDE

__all__ = ["SelfCheckView", "self_check"]

class SelfCheckView(w.VBox):
    """A self-check: the question, a way to answer, and feedback when the reader presses "Check".

    The feedback comes from :func:`mscteach.selfchecks.check_answer`; on the
    course site (no kernel) the check is shown as the question with its answer
    in a toggle (:meth:`static_html`).

    Parameters
    ----------
    check : mscteach.selfchecks.SelfCheck
        The question, its options or number, answer and language.
    """

    def __init__(self, check: selfchecks.SelfCheck) -> None:
        self.check = check
        question = w.HTML(f'<div class="mscteach-selfcheck-question"><b>{self_check_heading(check.lang)}</b> '
                          f'{display_helpers.markdown_html(check.question)}</div>')
        if check.kind == "choice":
            self.answer = w.RadioButtons(options=[(f"({letter}) {option}", letter) for letter, option
                                                  in zip(check.letters, check.options)], value=None, layout=WIDE)
        else:
            self.answer = w.Text(placeholder=i18n.text("type a number"), description=i18n.text("your answer"),
                                 style=STYLE)
        self.button = w.Button(description=i18n.text("Check"), button_style="info",
                               tooltip=i18n.text("check your answer"))
        self.feedback = w.HTML("")
        self.button.on_click(self.on_check)
        super().__init__([question, self.answer, w.HBox([self.button, self.feedback])],
                         layout=w.Layout(border="1px solid #bbb", padding="4px 8px", margin="8px 0"))

    def on_check(self, _button: Any = None) -> selfchecks.Feedback:
        """Mark the current answer and show the feedback (also called by the "Check" button).

        Parameters
        ----------
        _button : ipywidgets.Button, optional
            The button pressed (not used).

        Returns
        -------
        mscteach.selfchecks.Feedback
            Whether the answer is right, and the message shown.
        """
        feedback = selfchecks.check_answer(self.check, self.answer.value)
        self.feedback.value = str(render("selfcheck_feedback.html.j2", correct=feedback.correct,
                                         message=feedback.message))
        return feedback

    def show(self) -> None:
        """Display the live check, or (when the chapter runs for the course site) its static copy."""
        display(HTML(self.static_html())) if display_helpers.site_build() else display(self)

    def static_html(self) -> str:
        """The question, its options, and the answer with its explanation in a toggle.

        Returns
        -------
        str
            HTML in the check's language (right to left in Persian).
        """
        from markupsafe import Markup

        lang = self.check.lang
        # a Persian check reads right to left inside an output
        return str(render("selfcheck.html.j2", rtl=lang in i18n.RTL, heading=Markup(self_check_heading(lang)),
                          question=Markup(display_helpers.markdown_html(self.check.question)),
                          options=self.check.options, show_answer=Markup(show_answer(lang)),
                          answer=self.check.answer_text, explanation=self.check.explanation))

    def __repr__(self) -> str:
        return f"<self-check {self.check.chapter} {self.check.number}: {self.check.question}>"


def self_check(chapter: str, number: int) -> SelfCheckView:
    """The self-check ``number`` of ``chapter`` as a widget: ``widgets.self_check("06_clinical_trials", 1).show()``.

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb``.
    number : int
        The check's number in the chapter, from 1.

    Returns
    -------
    SelfCheckView
        The check in the language of :mod:`mscteach.i18n`.

    Raises
    ------
    UnknownNameError
        If the chapter has no self-checks.
    MscteachError
        If the chapter has no check with that number.
    """
    return SelfCheckView(selfchecks.get(chapter, number))
