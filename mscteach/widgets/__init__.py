"""ipywidgets explorers: thin views over pure analysis and plot functions.

Each explorer is an :class:`Explorer`: a few controls, an output area, and a
``render`` function that turns the control values into a list of things to
show (DataFrames, Figures, Markdown). The render functions are plain
functions of data, so the tests call them directly; the widget only gathers
the values and calls them.

In a notebook run without a browser (papermill, CI, HTML export) an explorer
still shows its default state: ``explorer.show(interactive=False)`` displays
the rendered results as ordinary outputs instead of the widget.

A live explorer does only what a change needs: it remembers its last few
views' outputs (going back to one redraws nothing), and the explorers whose
figure keeps its shape from one value to the next (the ECM model, trial size,
RoB 2) redraw the figure they show in place instead of drawing a new one, to
the same pixels, alt text and table.

The explorers live in :mod:`.core` (the :class:`Explorer` and its controls),
:mod:`.foundations` (chapters 1-5), :mod:`.clinical` (chapters 6-7),
:mod:`.rob2` (chapter 6's RoB 2 explorer: a student's answers to the
signalling questions, judged by the tool's algorithms) and :mod:`.selfcheck`
(self-checks as widgets).
"""
from __future__ import annotations

from .core import Explorer, STYLE, WIDE  # noqa: F401
from .foundations import (  # noqa: F401
    animal_explorer, cell_source_explorer, ecm_explorer, mechanism_explorer, render_animals,
    render_cell_source, render_ecm, render_mechanisms, render_timeline, timeline_explorer,
)
from .clinical import (  # noqa: F401
    NO_REGISTERED_TRIALS, REGISTERED_STATUS, TRIAL_CHARTS, exclusion_checker, leave_one_out_explorer,
    no_registered_trials, registered_trial_explorer, registered_trials_items, render_exclusions,
    render_leave_out, render_registered, render_trial_size, render_trials, show_registered_trials,
    trial_explorer, trial_size_explorer,
)
from .selfcheck import SelfCheckView, self_check  # noqa: F401
from .rob2 import (  # noqa: F401
    Rob2Explorer, randomised_trials, render_rob2, rob2_assessment, rob2_explorer, trial_description,
)

__all__ = [
    "Explorer",
    "Rob2Explorer",
    "randomised_trials",
    "render_rob2",
    "rob2_assessment",
    "rob2_explorer",
    "trial_description",
    "SelfCheckView",
    "self_check",
    "animal_explorer",
    "cell_source_explorer",
    "ecm_explorer",
    "exclusion_checker",
    "mechanism_explorer",
    "render_animals",
    "render_cell_source",
    "render_ecm",
    "render_exclusions",
    "render_mechanisms",
    "render_timeline",
    "render_registered",
    "render_trials",
    "registered_trial_explorer",
    "registered_trials_items",
    "show_registered_trials",
    "timeline_explorer",
    "trial_explorer",
    "leave_one_out_explorer",
    "render_leave_out",
    "render_trial_size",
    "trial_size_explorer",
]
