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


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}  # fmt: skip


class Text(HTMLParser):
    """The text a reader meets on a page: text nodes and the words of titles, placeholders,
    labels and alternative texts; never scripts or styles, nor what the page itself marks
    as written in another language (`lang="id"` on an English page: a document's words)."""

    SKIP = {"script", "style", "template"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self.open: list[bool] = []  # per open element: whether its text is skipped

    @property
    def skipping(self) -> bool:
        return any(self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        other = attributes.get("lang") not in (None, self.language) and tag != "html"
        if tag not in VOID:
            self.open.append(tag in self.SKIP or other)
        if self.skipping or other:
            return
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt", "data-confirm") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def page_texts(html: str, language: str) -> list[str]:
    parser = Text(language)
    parser.feed(html)
    return parser.parts


class StoredTexts:
    """Every text the database holds (data, not interface), to take out of a page."""

    def __init__(self) -> None:
        found: set[str] = set()

        def walk(value):
            if isinstance(value, str):
                if len(value.strip()) >= 3:
                    found.add(value.strip())
                for line in value.splitlines()[1:] and value.splitlines():
                    if len(line.strip()) >= 3:  # a text shown line by line
                        found.add(line.strip())
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
        self.texts = sorted(found, key=len, reverse=True)
        self.by_start: dict[str, list[str]] = {}
        for text in self.texts:
            self.by_start.setdefault(text[:8], []).append(text)

    def is_cut_from(self, part: str) -> bool:
        """Whether the part is a stored text, whole or cut short on a page ("…")."""
        bare = part.rstrip("…").strip()
        return len(bare) >= 8 and any(
            text.startswith(bare) for text in self.by_start.get(bare[:8], [])
        )

    def without(self, part: str) -> str:
        """The part with every stored text in it (as whole words) taken out."""
        for text in self.texts:
            if len(text) >= 4 and text in part:
                part = re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", " ", part)
        return part.replace("…", " ").strip()


def interface(parts: list[str], data: StoredTexts, suspicious) -> list[str]:
    """The parts of a page that `suspicious` flags once the stored texts are taken out.

    Taking data out is slow, so only the parts suspicious as they stand are looked at again.
    """
    left = []
    for part in parts:
        if not suspicious(part) or data.is_cut_from(part):
            continue
        rest = data.without(part)
        if rest and suspicious(rest):
            left.append(rest)
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
    data = StoredTexts()
    sources = translated_sources()
    found = []
    for subject, url, html in read:
        for text in interface(
            page_texts(html, "en"), data, lambda part: problems_in_english([part], sources)
        ):
            found.extend(
                f"{subject} {url}: {problem}" for problem in problems_in_english([text], sources)
            )
    assert len(read) > 100
    assert found == [], "\n".join(found)


def problems_in_indonesian(texts: list[str], translations: list[re.Pattern]) -> list[str]:
    found = []
    for text in texts:
        if "PRE" in set(WORD.findall(text)):
            found.append(f"'PRE': {text!r}")
        for pattern in translations:
            if pattern.search(text):
                found.append(f"{pattern.pattern!r}: {text!r}")
                break
    return found


def test_no_indonesian_page_shows_an_english_interface_string(pages):
    read = pages("id")
    data = StoredTexts()
    translations = english_translations()
    found = []
    for subject, url, html in read:
        suspicious = lambda part: problems_in_indonesian([part], translations)  # noqa: E731
        for text in interface(page_texts(html, "id"), data, suspicious):
            found.extend(f"{subject} {url}: {problem}" for problem in suspicious(text))
    assert found == [], "\n".join(found)


def test_the_checks_catch_what_they_look_for():
    sources = [re.compile(r"(?<!\w)Belum memiliki predikat(?!\w)")]

    assert problems_in_english(["Does not hold the WBK predicate yet"], sources) == []
    assert problems_in_english(["Belum memiliki predikat Menuju WBK"], sources)
    assert problems_in_english(["Total 89,35 below 75.00"], [])
    assert problems_in_english(["Thursday, 10 Juni 2021"], [])
    assert problems_in_english(["Tasks for this unit"], []) == []
    data = StoredTexts.__new__(StoredTexts)
    data.texts = ["Kementerian Contoh yang baik", "Apakah unit telah menyusun rencana"]
    data.by_start = {text[:8]: [text] for text in data.texts}
    flag = lambda part: problems_in_english([part], [])  # noqa: E731
    assert interface(["Reviewer: Kementerian Contoh yang baik"], data, flag) == []
    assert interface(["Apakah unit telah…"], data, flag) == []
    assert interface(["Nilai yang baru"], data, flag) == ["Nilai yang baru"]


# Strings the English catalog keeps as they are: terms of art of the programme
# (docs/translation.md, "Keep as is") and words that are English already.
KEPT_AS_IS = {
    # terms of art
    "Menuju WBK", "Menuju WBBM", "Zona Integritas", "Pengungkit", "Pemenuhan", "Reform",
    "Maklumat", "Maklumat:", "TPI", "TPN", "IKM", "SKM", "SKM %(period)s", "SPTJM",
    "SPTJM %(instansi)s %(year)s", "NIP", "NIP. %(nip)s", "SOP", "ZI Tracker",
    # the same word in both languages, or no word at all
    "A/B/C", "A/B/C/D", "A/B/C/D/E", "Area", "area", "Final", "Home", "Logo", "No.", "PDF",
    "SHA-256", "Status", "status", "Target", "target", "Total", "label", "unit", "Unit", "—",
    "area %(code)s",
    # evaluasi mandiri (PermenPAN-RB 5/2024), a term of art as "Evaluasi mandiri: …" shows it
    "Evaluasi mandiri",
    # the single sign-on settings, in OpenID Connect's own English words
    "Issuer", "issuer", "client ID", "Client secret", "client secret", "scope",
    "authorization endpoint", "token endpoint", "userinfo endpoint", "JWKS URI",
}  # fmt: skip


def test_every_string_left_as_is_in_english_is_a_term_of_art_or_english_already():
    """A string "translated" by itself would show Indonesian to an English reader (the menu's
    "Hasil" and "Pencanangan" did): only the terms of art and shared words may stay."""
    same = {entry.msgid for entry in PO if not entry.obsolete and entry.msgstr == entry.msgid}

    assert same - KEPT_AS_IS == set()
