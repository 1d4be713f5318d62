"""Whole numbers as strangers send them: in a query string, a header, a form field.

Python's int() takes any Unicode digit ("²" fails, "٣" is 3) and refuses more than 4,300 digits
with a ValueError; either way a careless int() is a 500. Here only ASCII digits count, and a number
too long to matter is read as CEILING, which is past the end of anything we count (rows, bytes,
pages), so callers answer "not found", "past the end" or 416, never an error.
"""

CEILING = 2**63  # past every database id (a bigint) and every byte offset of a stored file
CEILING_DIGITS = len(str(CEILING))


def whole_number(text: str) -> int | None:
    """`text` as a number if it is ASCII digits only (CEILING at most), else None."""
    if not (text.isascii() and text.isdigit()):
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > CEILING_DIGITS:
        return CEILING
    return min(int(significant), CEILING)
