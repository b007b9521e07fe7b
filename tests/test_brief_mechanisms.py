"""A brief's mechanisms section says its link from disease to mechanisms is ours (related_mechanisms), not the review's."""
from __future__ import annotations

import csv
import json

import nbformat

from mscteach.report import content, sections

from .conftest import REPO


def test_the_mechanisms_section_names_the_related_categories_as_a_curation_choice():
    with (REPO / "data" / "related_mechanisms.csv").open(encoding="utf-8") as f:
        related = sorted({row["mechanism_category"] for row in csv.DictReader(f) if row["disease"] == "ACLF"})
    assert related == ["adaptive immunity", "anti-inflammatory", "innate immunity"]  # read from the file by hand
    brief = content.evidence_brief({"disease": "ACLF"})
    first = str(sections.mechanisms(brief)[0].data)
    assert ("Mechanism categories shown as related to ACLF: adaptive immunity, anti-inflammatory, innate immunity "
            "(a curation choice: the <code>related_mechanisms</code> table; the review describes the mechanisms but "
            "does not link them to diseases).") in first
    every = content.evidence_brief({"disease": "all"})
    assert "curation choice" not in str(sections.mechanisms(every)[0].data)  # every mechanism: nothing chosen


def test_the_brief_heading_does_not_credit_the_review_with_the_link():
    brief = nbformat.read(REPO / "reports" / "evidence_brief.ipynb", as_version=4)
    headings = [c.source for c in brief.cells if c.cell_type == "markdown" and "Mechanisms" in c.source]
    assert headings == ["## Mechanisms related to this disease"]
    assert json.dumps(headings).count("the review links") == 0
