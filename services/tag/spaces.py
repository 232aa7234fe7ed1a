"""Names compared as written, whitespace aside: any run of whitespace reads as one space, none at the ends."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def single_spaced(text: str) -> str:
    """The text with each run of whitespace as one space, stripped."""
    # Nearly every name already is: the only whitespace a printable string can hold is " " (true over all of
    # Unicode), so one without doubled or outer spaces is returned as it is, without a regex pass.
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return _SPACES.sub(" ", text).strip()
