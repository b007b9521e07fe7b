"""`mscteach build --pdf`: the course site printed as one course pack, in the order of its contents."""
from __future__ import annotations

import json
import re

from .conftest import REPO, run_build


def test_the_course_pack_has_every_chapter_in_order_then_glossary_and_references(site):
    out, _ = site
    result = run_build("--out", "site", "--jobs", "2", "--pdf", cwd=out.parent, data="my-data")
    assert result.returncode == 0, result.stderr
    assert "(nothing to execute, site up to date)" in result.stdout  # printing needs no new run
    pack = out / "course-pack.pdf"
    assert f"printed the course pack: {pack}" in result.stdout

    from pypdf import PdfReader

    pages = PdfReader(str(pack)).pages
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [596, 843]  # A4
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    text = text.replace("“", '"').replace("”", '"').replace("ﬁ", "fi")
    assert f"{len(pages)} / {len(pages)}" in text  # page numbers
    text = re.sub(r" \d+ / \d+ ", " ", text)  # the footers, wherever extraction puts them
    titles = []
    for chapter in sorted((REPO / "notebooks").glob("0[1-7]_*.ipynb")):
        first = json.loads(chapter.read_text(encoding="utf-8"))["cells"][0]["source"][0]
        titles.append(first.lstrip("# ").strip())
    body = text[text.index("About the data") + len("About the data"):]  # after the contents list
    positions = [body.find(title) for title in titles]
    assert -1 not in positions and positions == sorted(positions), list(zip(titles, positions))
    glossary, references = body.index("Glossary All 98 terms"), body.index("References The review")
    assert positions[-1] < glossary < references < body.index("About the data Tables")
    assert "[103]" in body[references:]  # the last reference: nothing cut off at the end
