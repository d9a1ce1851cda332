"""Both languages whole: every page of the access matrix, read by several people in English,
shows no Indonesian interface string; read in Indonesian, no English one.

What a page shows falls in two kinds: the interface (what templates and code write) and
data (what people typed, the regulation's catalog texts, frozen documents). Data stays
in its own language by design — the catalog's questions are the regulation's words —
so every text stored in the database is taken out of a page before it is judged. What
is left is the interface, and it must not contain

- the Indonesian source of any string the English catalog translates (a string shown
  untranslated), or Indonesian function words (a string never marked for translation);
- numbers with an Indonesian decimal comma, or Indonesian month and day names (a
  number or date not formatted by the active language);

and, read in Indonesian, no English translation of any string.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from tests.test_access_matrix import ROWS, Row, build_world

PO = polib.pofile(str(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
SUBJECTS = ["superuser", "coordinator", "tpi", "anonymous"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]+>")
INDONESIAN_WORDS = {
    "yang", "dan", "belum", "sudah", "untuk", "dengan", "tidak", "dari", "pada", "atau",
    "oleh", "telah", "bila", "dalam", "adalah", "akan", "dapat", "tahun", "siklus",
}  # fmt: skip
INDONESIAN_CALENDAR = {
    "januari", "februari", "maret", "mei", "juni", "juli", "agustus", "oktober",
    "desember", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu",
}  # fmt: skip
DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d])")
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


class Text(HTMLParser):
    """The text a reader meets on a page: text nodes and the words of titles, placeholders,
    labels and alternative texts; never scripts, styles or the hidden language form."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt", "data-confirm") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def page_texts(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.parts


def stored_texts() -> list[str]:
    """Every text the database holds (data, not interface), longest first."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            if len(value.strip()) >= 3:
                found.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                walk(list(row))
    texts = sorted(found, key=len, reverse=True)
    # A name shown as "Pegawai Contoh 3" also shows "Pegawai Contoh" in places; a long text is
    # also cut on pages ("…"): its first words count as data too.
    texts += [text[:60] for text in texts if len(text) > 60]
    return texts


def interface(parts: list[str], data: list[str]) -> list[str]:
    """The parts of a page with every stored text taken out."""
    left = []
    for part in parts:
        for text in data:
            if text in part:
                part = part.replace(text, " ")
        part = part.replace("…", " ").strip()
        if part and any(text.startswith(part) for text in data if len(part) >= 8):
            continue
        if part:
            left.append(part)
    return left


def fragments(text: str) -> list[str]:
    """The pieces of a catalog string between its placeholders and tags, of two words or more."""
    return [
        piece.strip(" .,:;()—-")
        for piece in PLACEHOLDER.split(text)
        if len(piece.strip(" .,:;()—-").split()) >= 2
    ]


def translated_sources() -> list[re.Pattern]:
    patterns = []
    for entry in PO:
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        for piece in fragments(entry.msgid):
            if piece.lower() not in entry.msgstr.lower():
                patterns.append(re.compile(rf"(?<!\w){re.escape(piece)}(?!\w)"))
    return patterns


def english_translations() -> list[re.Pattern]:
    patterns = []
    for entry in PO:
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        forms = (
            [entry.msgstr, *entry.msgstr_plural.values()] if entry.msgid_plural else [entry.msgstr]
        )
        for form in forms:
            for piece in fragments(form):
                if piece.lower() not in entry.msgid.lower() and len(piece) >= 8:
                    patterns.append(re.compile(rf"(?<!\w){re.escape(piece)}(?!\w)"))
    return patterns


def get_rows() -> list[Row]:
    return [row for row in ROWS if row.method == "GET"]


def problems_in_english(texts: list[str], sources: list[re.Pattern]) -> list[str]:
    found = []
    for text in texts:
        words = {word.lower() for word in WORD.findall(text)}
        if words & INDONESIAN_WORDS:
            found.append(f"Indonesian words {sorted(words & INDONESIAN_WORDS)}: {text!r}")
        if words & INDONESIAN_CALENDAR:
            found.append(f"Indonesian date: {text!r}")
        if DECIMAL_COMMA.search(text):
            found.append(f"decimal comma: {text!r}")
        for pattern in sources:
            if pattern.search(text):
                found.append(f"untranslated {pattern.pattern!r}: {text!r}")
                break
    return found


@pytest.fixture(scope="module")
def language_world(django_db_setup, django_db_blocker):
    """The access matrix's world (every URL has its object), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def pages(language_world, client_for, db):
    """(subject, url, html) of every GET page of the matrix that the subject may see.

    What a row's builder adds to the world lazily is rolled back with the test, so it is
    forgotten after it (as the matrix's own `world` fixture does)."""
    world = language_world
    before = set(world.extra)

    def read(language: str) -> list[tuple[str, str, str]]:
        seen = []
        for subject in SUBJECTS:
            client = client_for(world.users[subject])
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for row in get_rows():
                if row.expect[subject] != 200:
                    continue
                url = reverse(row.name, kwargs=row.kwargs(world))
                response = client.get(url)
                kind = response.get("Content-Type", "")
                if response.status_code != 200 or not kind.startswith("text/html"):
                    continue
                seen.append((subject, url, response.content.decode()))
        return seen

    yield read
    for key in set(world.extra) - before:
        del world.extra[key]


def test_no_english_page_shows_an_indonesian_interface_string(pages):
    read = pages("en")
    data = stored_texts()
    sources = translated_sources()
    found = []
    for subject, url, html in read:
        for problem in problems_in_english(interface(page_texts(html), data), sources):
            found.append(f"{subject} {url}: {problem}")
    assert len(read) > 100
    assert found == []


def test_no_indonesian_page_shows_an_english_interface_string(pages):
    read = pages("id")
    data = stored_texts()
    translations = english_translations()
    found = []
    for subject, url, html in read:
        for text in interface(page_texts(html), data):
            words = set(WORD.findall(text))
            if "PRE" in words:
                found.append(f"{subject} {url}: 'PRE': {text!r}")
            for pattern in translations:
                if pattern.search(text):
                    found.append(f"{subject} {url}: {pattern.pattern!r}: {text!r}")
                    break
    assert found == []


def test_the_checks_catch_what_they_look_for():
    sources = [re.compile(r"(?<!\w)Belum memiliki predikat(?!\w)")]

    assert problems_in_english(["Does not hold the WBK predicate yet"], sources) == []
    assert problems_in_english(["Belum memiliki predikat Menuju WBK"], sources)
    assert problems_in_english(["Total 89,35 below 75.00"], [])
    assert problems_in_english(["Thursday, 10 Juni 2021"], [])
    assert problems_in_english(["Tasks for this unit"], []) == []
    assert interface(["Reviewer: Kementerian Contoh"], ["Kementerian Contoh"]) == ["Reviewer:"]
