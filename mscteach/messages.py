"""Sentences the package writes into pages, kept where the site can read them cheaply.

The course site translates these with its gettext catalogues; keeping them out
of :mod:`mscteach.widgets` lets the Sphinx extension read them without
importing matplotlib, seaborn and ipywidgets.
"""

#: What a static copy of an explorer says under it.
LIVE_NOTE = ("This is a static copy of the explorer: choose a view above ({views} precomputed). To change every "
             "control, open the chapter live in JupyterLab (<code>mscteach lab</code>), in Voil&agrave;, or on "
             "Binder or a JupyterHub.")

#: The heading and the toggle of a self-check's static copy.
SELF_CHECK = "Check your understanding."
SHOW_ANSWER = "Show the answer"
