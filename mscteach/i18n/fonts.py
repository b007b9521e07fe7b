"""The fonts that set Persian text: Vazirmatn (SIL Open Font License), shipped because a pip user has none."""
from __future__ import annotations

from pathlib import Path

__all__ = ["BOLD", "FONT", "FONT_FILES"]

_PACKAGE = Path(__file__).resolve().parent.parent
#: The font files matplotlib sets Persian figure text in, regular and bold.
FONT = _PACKAGE / "fonts" / "Vazirmatn-Regular.ttf"
BOLD = FONT.with_name("Vazirmatn-Bold.ttf")
#: The same font as web fonts (the course site's, and a Persian brief's inside the page), by weight.
FONT_FILES = {weight: _PACKAGE / "sitecfg" / "_static" / "fonts" / f"Vazirmatn-{name}.woff2"
              for weight, name in ((400, "Regular"), (700, "Bold"))}
