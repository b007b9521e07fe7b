"""Sphinx configuration of the course site: it is defined in one place, mscteach.site.sphinx_config."""
from mscteach.site import sphinx_config

globals().update(sphinx_config())
