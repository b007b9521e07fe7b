"""Sphinx configuration of the course site: it is defined in one place, mscteach.site.config.sphinx_config."""
from mscteach.site.config import sphinx_config

globals().update(sphinx_config())
