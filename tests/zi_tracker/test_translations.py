"""The English catalog: complete, safe to format, compiled, and in step with the source.

A translation that drops or invents a placeholder raises KeyError when the
string is formatted, so the page breaks for everyone reading in English;
these tests catch that before a person does.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")
MAKEMESSAGES_IGNORE = [".venv", "tests", "benchmarks", "staticfiles", "media"]


def placeholders(text: str, *, brace: bool) -> list[str]:
    """The named and positional placeholders of one string, sorted."""
    found = []
    for match in PLACEHOLDER.finditer(text.replace("%%", "")):
        token = match.group(0)
        if token.startswith("{") and not brace:
            continue
        found.append(token)
    return sorted(found)


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(PO))


def live(catalog: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalog if not entry.obsolete]


def test_every_string_is_translated(catalog):
    untranslated = [entry.msgid for entry in live(catalog) if not entry.translated()]
    fuzzy = [entry.msgid for entry in live(catalog) if "fuzzy" in entry.flags]
    assert untranslated == []
    assert fuzzy == []
    assert len(live(catalog)) > 1000  # the whole interface, not a sample


def test_translations_keep_their_placeholders(catalog):
    wrong = []
    for entry in live(catalog):
        brace = "python-brace-format" in entry.flags
        expected = placeholders(entry.msgid, brace=brace)
        if entry.msgid_plural:
            # English plural forms may leave out the count in the singular ("one item").
            plural_expected = placeholders(entry.msgid_plural, brace=brace)
            for form in entry.msgstr_plural.values():
                if not set(placeholders(form, brace=brace)) <= set(plural_expected):
                    wrong.append((entry.msgid, form))
        elif placeholders(entry.msgstr, brace=brace) != expected:
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


def test_placeholder_check_catches_a_broken_translation():
    # The check itself: a dropped, a renamed and an invented placeholder all differ.
    source = "%(count)d pertanyaan di %(area)s"
    assert placeholders("%(count)d questions", brace=False) != placeholders(source, brace=False)
    assert placeholders("%(n)d questions in %(area)s", brace=False) != placeholders(
        source, brace=False
    )
    assert placeholders("%(count)d in %(area)s by %(who)s", brace=False) != placeholders(
        source, brace=False
    )
    assert placeholders("%(area)s: %(count)d questions", brace=False) == placeholders(
        source, brace=False
    )
    assert placeholders("100%% of {unit}", brace=False) == []


def test_compiled_catalog_matches_the_source_catalog(catalog):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in live(catalog):
        if entry.msgid_plural:
            for index, form in entry.msgstr_plural.items():
                count = 1 if int(index) == 0 else 2
                if compiled.ngettext(entry.msgid, entry.msgid_plural, count) != form:
                    stale.append(entry.msgid)
        elif entry.msgctxt:
            if compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr:
                stale.append(entry.msgid)
        elif compiled.gettext(entry.msgid) != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == [], "run msgfmt (see docs/translation.md)"


def test_catalog_has_every_string_of_the_source(tmp_path):
    """Extract the strings afresh (makemessages on a copy) and compare with the catalog."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed here; CI installs it")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".git", *MAKEMESSAGES_IGNORE, "*.sqlite3*", "__pycache__"),
    )
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"]
    command += [f"--ignore={name}" for name in MAKEMESSAGES_IGNORE]
    subprocess.run(
        command,
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": "x" * 50},
    )
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in fresh if not entry.translated()]
    assert missing == [], "new strings: run makemessages and translate them"
    current = {(entry.msgctxt, entry.msgid) for entry in fresh}
    kept = {(entry.msgctxt, entry.msgid) for entry in live(polib.pofile(str(PO)))}
    assert kept - current == set(), "strings no longer in the source: run makemessages"
