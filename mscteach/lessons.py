"""A chapter's Carpentries parts (overview, objectives, challenge, key points ...) as MyST admonitions.

Used by the site build and by the translation tools, which must see the blocks as the site shows them.
"""
from __future__ import annotations

import re

__all__ = ["lesson_blocks"]


def _admonition(title: str, css: str, body: str) -> str:
    return f":::{{admonition}} {title}\n:class: {css}\n\n{body.strip()}\n:::\n"


def lesson_blocks(markdown: str) -> str:
    """Turn a chapter's Carpentries parts into MyST admonitions (for the site only).

    The header table (questions, time, prerequisites) becomes an "Overview"
    block, the learning objectives and the parameters note their own blocks;
    "Challenge", "Key points" and "Instructor notes" sections become blocks of
    those names. Everything else is left as written.

    Parameters
    ----------
    markdown : str
        One Markdown cell of a chapter.

    Returns
    -------
    str
        The cell with its Carpentries parts as ``:::{admonition}`` blocks
        (classes ``overview``, ``objectives``, ``parameters note``,
        ``challenge``, ``keypoints``, ``instructor``); unchanged when it has none.

    Examples
    --------
    >>> print(lesson_blocks("## Key points\\n\\n- one\\n- two"))
    :::{admonition} Key points
    :class: keypoints
    <BLANKLINE>
    - one
    - two
    :::
    <BLANKLINE>
    """
    header = re.match(r"(# .+\n)\n\| \| \|\n\|---\|---\|\n((?:\|.*\|\n?)+)", markdown)
    out = markdown
    if header:
        rows = re.findall(r"^\| \*\*(.+?)\*\* \| (.+?) \|$", header.group(2), re.M)
        body = "\n".join(f"**{name}**: {value.replace('<br>', ' ')}\n" for name, value in rows)
        out = header.group(1) + "\n" + _admonition("Overview", "overview", body) + out[header.end():]
    objectives = re.search(r"\*\*Learning objectives\.\*\* (.+?)(?=\n\n\*Parameters\.\*|\Z)", out, re.S)
    if objectives:
        out = out[:objectives.start()] + _admonition("Learning objectives", "objectives", objectives.group(1)) \
            + out[objectives.end():]
    parameters = re.search(r"\*Parameters\.\* (.+)\Z", out, re.S)
    if parameters:
        out = out[:parameters.start()] + _admonition("Parameters", "parameters note", parameters.group(1))
    sections = re.split(r"^(## (?:Challenge|Key points|Instructor notes)\n)", out, flags=re.M)
    if len(sections) > 1:
        rebuilt = [sections[0]]
        for heading, body in zip(sections[1::2], sections[2::2]):
            name = heading[3:].strip()
            following = re.split(r"^(?=## )", body, maxsplit=1, flags=re.M)
            css = {"Challenge": "challenge", "Key points": "keypoints", "Instructor notes": "instructor"}[name]
            rebuilt.append(_admonition(name, css, following[0]))
            if len(following) > 1:
                rebuilt.append("\n" + following[1])
        out = "".join(rebuilt)
    return out


# --------------------------------------------------------------------------- generated pages
