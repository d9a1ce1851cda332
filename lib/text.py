"""Text as it may be stored and printed: no control characters.

Every text that reaches the database or a document passes through `clean`
once, where it enters: `lib.middleware.CleanInputMiddleware` for everything a
request carries (query strings, form fields, uploaded file names, cookies,
headers) and `lib.imports.read_dataset` for every cell of an uploaded
spreadsheet. Nothing downstream needs to care: PostgreSQL refuses NUL in text
("text fields cannot contain NUL"), openpyxl refuses the other C0 controls in
a cell, XML (xlsx, the PDFs' HTML) has no place for them, and none of them is
anything a person meant to type.

Kept: tab, line feed and carriage return (text areas), and every printable
character of any script, right-to-left marks and emoji included.
"""

from __future__ import annotations

import re

# C0 controls but tab, LF and CR; DEL and the C1 controls; lone surrogates (not
# encodable as UTF-8) and the two noncharacters XML forbids.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """`value` without control characters (tab and line breaks stay)."""
    return CONTROL_CHARACTERS.sub("", value)


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None
