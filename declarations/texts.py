"""The words of a declaration: shipped body templates, placeholders, and the body's layout.

Pure code, no ORM: body templates are plain text with `{placeholder}` fields
that admins may edit. They are filled with `str.format_map` over a mapping
that refuses unknown names, after a parse that refuses attribute access,
indexing, conversions and format specs, so admin-typed text can never reach
anything but the values offered here (Django's template engine never sees it).
"""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- placeholders ----------------------------------------------------------------------

# Placeholders every kind offers, with what they stand for (shown to admins).
COMMON_PLACEHOLDERS: dict[str, str] = {
    "unit": gettext_lazy("nama unit yang mencanangkan (beberapa unit disebut berurutan)"),
    "organizer": gettext_lazy("nama unit penyelenggara (kop surat)"),
    "date": gettext_lazy("hari dan tanggal"),
    "day": gettext_lazy("nama hari"),
    "date_words": gettext_lazy("tanggal dengan huruf"),
    "year": gettext_lazy("tahun"),
    "time": gettext_lazy("pukul"),
    "venue": gettext_lazy("tempat acara"),
    "city": gettext_lazy("kota"),
    "framework": gettext_lazy("nama peraturan yang dirujuk"),
}
# What a placeholder becomes in the document, which is written in Indonesian whatever the
# reader's language (shown beside the meaning, marked as Indonesian).
PLACEHOLDER_EXAMPLES: dict[str, str] = {
    "unit": "A, B, dan C",
    "date": "Kamis, 10 Juni 2021",
    "day": "Kamis",
    "date_words": "sepuluh bulan Juni tahun dua ribu dua puluh satu",
    "year": "2021",
    "time": "09.00",
}
# Placeholders of a pakta integritas, filled per signer (one page each).
PERSON_PLACEHOLDERS: dict[str, str] = {
    "name": gettext_lazy("nama penanda tangan"),
    "nip": gettext_lazy("NIP penanda tangan"),
    "position": gettext_lazy("jabatan penanda tangan"),
}


# Kinds are the values of `DeclarationKind`, named here as plain strings (as
# SHIPPED_TEMPLATES below names them) so that this module needs no model: the
# model validates its body with these functions.
PER_SIGNER_KINDS = frozenset({"pakta_integritas"})


def placeholders_for(kind: str) -> dict[str, str]:
    if kind in PER_SIGNER_KINDS:
        return {**COMMON_PLACEHOLDERS, **PERSON_PLACEHOLDERS}
    return dict(COMMON_PLACEHOLDERS)


class _StrictValues(dict):
    """A mapping for `str.format_map` that names the unknown placeholder instead of guessing."""

    def __missing__(self, key: str):
        raise KeyError(key)


def _describe(allowed: Iterable[str]) -> str:
    return ", ".join("{" + name + "}" for name in allowed)


def check_placeholders(text: str, allowed: Iterable[str]) -> None:
    """Raise ValidationError unless every `{field}` in `text` is a plain, allowed name."""
    allowed = list(allowed)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            _(
                "Kurung kurawal tidak berpasangan. Tulis penanda seperti {unit}; "
                "untuk kurung kurawal biasa tulis {{ atau }}."
            ),
            code="placeholder_syntax",
        ) from None
    for _literal, name, format_spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed or format_spec or conversion:
            shown = (
                name
                + (f"!{conversion}" if conversion else "")
                + (f":{format_spec}" if format_spec else "")
            )
            if name == "":
                message = _("Penanda kosong {} tidak dikenal. Penanda yang tersedia: %(allowed)s.")
            else:
                message = _("Penanda {%(name)s} tidak dikenal. Penanda yang tersedia: %(allowed)s.")
            raise ValidationError(
                message,
                code="placeholder_unknown",
                params={"name": shown, "allowed": _describe(allowed)},
            )


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with its placeholders replaced by `values`; ValidationError on any other field."""
    check_placeholders(text, values.keys())
    try:
        return text.format_map(_StrictValues(values))
    except (KeyError, ValueError, IndexError, AttributeError):  # pragma: no cover - checked above
        raise ValidationError(_("Teks tidak dapat diisi."), code="placeholder_unknown") from None


def join_names(names: list[str]) -> str:
    """Indonesian list: 'A', 'A dan B', 'A, B, dan C'."""
    names = [name for name in names if name]
    if len(names) <= 2:
        return _(" dan ").join(names)
    return ", ".join(names[:-1]) + _(", dan ") + names[-1]


# --- dates in words (terbilang) --------------------------------------------------------

_ONES = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]


def number_in_words(number: int) -> str:
    """An Indonesian number in words (terbilang), 0 to 999 999."""
    if number < 0 or number > 999_999:
        raise ValueError("terbilang supports 0..999999")
    if number == 0:
        return "nol"
    if number < 12:
        return _ONES[number]
    if number < 20:
        return f"{_ONES[number - 10]} belas"
    if number < 100:
        tens, rest = divmod(number, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[rest]}" if rest else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
        return head + (f" {number_in_words(rest)}" if rest else "")
    thousands, rest = divmod(number, 1000)
    head = "seribu" if thousands == 1 else f"{number_in_words(thousands)} ribu"
    return head + (f" {number_in_words(rest)}" if rest else "")


def date_in_words(value: datetime.date) -> str:
    """'sepuluh bulan Juni tahun dua ribu dua puluh satu', as formal documents write dates."""
    return _("%(day)s bulan %(month)s tahun %(year)s") % {
        "day": number_in_words(value.day),
        "month": date_format(value, "F"),
        "year": number_in_words(value.year),
    }


def date_values(value: datetime.date | None, time: datetime.time | None) -> dict[str, str]:
    if value is None:
        return {"date": "", "day": "", "date_words": "", "year": "", "time": ""}
    return {
        "date": date_format(value, "DATE_FORMAT"),
        "day": date_format(value, "l"),
        "date_words": date_in_words(value),
        "year": str(value.year),
        "time": date_format(time, "TIME_FORMAT") if time else "",
    }


def format_nip(nip: str) -> str:
    """'198002142003122002' → '19800214 200312 2 002', as NIPs are printed."""
    if re.fullmatch(r"\d{18}", nip or ""):
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip or ""


# --- the body's layout -----------------------------------------------------------------


@dataclass
class Block:
    """A piece of the body: a paragraph, a numbered list, or a 'label: value' table."""

    kind: str  # "paragraph", "list", "fields"
    lines: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(
        default_factory=list
    )  # list: (number, text); fields: (label, value)


_NUMBERED = re.compile(r"^\s*(\d{1,2}|[a-z])[.)]\s+(.*)$")
_FIELD = re.compile(r"^([^:.;]{1,30}?)\s*:\s*(.*)$")


def layout(text: str) -> list[Block]:
    """Split a filled body into blocks. Blank lines separate paragraphs.

    Lines starting with '1.' or 'a)' become numbered items (an indented line
    continues the item above); two or more consecutive 'Label: value' lines
    become an aligned table (the signer's data in a pakta). Everything stays
    plain text: the PDF template escapes it.
    """
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        kinds = []
        for line in lines:
            if _NUMBERED.match(line):
                kinds.append("list")
            elif line[:1].isspace() and kinds and kinds[-1] in ("list", "cont"):
                kinds.append("cont")
            elif _FIELD.match(line):
                kinds.append("fields")
            else:
                kinds.append("paragraph")
        # A lone 'Label: value' line is an ordinary sentence ending in a colon or quoting.
        for index, kind in enumerate(kinds):
            if kind == "fields" and not (
                (index > 0 and kinds[index - 1] == "fields")
                or (index + 1 < len(kinds) and kinds[index + 1] == "fields")
            ):
                kinds[index] = "paragraph"
        current: Block | None = None
        for line, kind in zip(lines, kinds, strict=True):
            if kind == "cont" and current is not None and current.items:
                number, previous = current.items[-1]
                current.items[-1] = (number, f"{previous} {line.strip()}")
                continue
            if current is None or current.kind != kind:
                current = Block(kind)
                blocks.append(current)
            if kind == "list":
                match = _NUMBERED.match(line)
                current.items.append((match.group(1), match.group(2).strip()))
            elif kind == "fields":
                match = _FIELD.match(line)
                current.items.append((match.group(1).strip(), match.group(2).strip()))
            else:
                current.lines.append(line.strip())
    return blocks


# --- shipped templates -------------------------------------------------------------------

_PIAGAM_BODY = """\
Pada hari ini {day} tanggal {date_words}, bertempat di {venue}, {city}, kami pimpinan beserta \
seluruh pegawai {unit} dengan ini mencanangkan pembangunan Zona Integritas menuju Wilayah Bebas \
dari Korupsi (WBK) dan Wilayah Birokrasi Bersih dan Melayani (WBBM) sesuai dengan {framework}.

Dengan pencanangan ini kami menyatakan:
1. siap membangun Zona Integritas menuju WBK dan WBBM di lingkungan {unit};
2. menolak segala bentuk korupsi, kolusi, dan nepotisme serta tidak menerima gratifikasi dalam \
bentuk apa pun;
3. memberikan pelayanan terbaik kepada masyarakat secara cepat, tepat, transparan, dan \
akuntabel;
4. melaksanakan pembangunan pada area manajemen perubahan, penataan tatalaksana, penataan \
sistem manajemen SDM, penguatan akuntabilitas, penguatan pengawasan, dan peningkatan kualitas \
pelayanan publik secara konsisten dan berkelanjutan.

Piagam ini ditandatangani secara terbuka dan disaksikan oleh pihak-pihak yang bertanda tangan \
di bawah ini."""

_PAKTA_BODY = """\
Saya yang bertanda tangan di bawah ini:
Nama: {name}
NIP: {nip}
Jabatan: {position}
Unit kerja: {unit}

dalam rangka pembangunan Zona Integritas menuju Wilayah Bebas dari Korupsi (WBK) dan Wilayah \
Birokrasi Bersih dan Melayani (WBBM) di lingkungan {unit}, dengan ini menyatakan bahwa saya:
1. berperan secara proaktif dalam upaya pencegahan dan pemberantasan korupsi, kolusi, dan \
nepotisme, serta tidak melibatkan diri dalam perbuatan tercela;
2. tidak meminta atau menerima pemberian secara langsung atau tidak langsung berupa suap, \
hadiah, bantuan, atau bentuk lainnya yang tidak sesuai dengan ketentuan yang berlaku;
3. bersikap transparan, jujur, objektif, dan akuntabel dalam melaksanakan tugas;
4. menghindari pertentangan kepentingan (conflict of interest) dalam melaksanakan tugas;
5. memberi contoh dalam kepatuhan terhadap peraturan perundang-undangan dalam melaksanakan \
tugas, terutama kepada pegawai yang berada di bawah pengawasan saya dan sesama pegawai di \
lingkungan kerja saya secara konsisten;
6. akan menyampaikan informasi penyimpangan integritas di {unit} serta turut menjaga \
kerahasiaan saksi atas pelanggaran peraturan yang dilaporkannya;
7. bila saya melanggar hal-hal tersebut di atas, saya siap menghadapi konsekuensinya.

Demikian pakta integritas ini saya buat dengan sungguh-sungguh, tanpa paksaan dari pihak mana \
pun."""

_KOMITMEN_BODY = """\
Pada hari ini {day} tanggal {date_words}, bertempat di {venue}, {city}, kami pimpinan dan \
seluruh pegawai {unit} bersepakat dan berkomitmen untuk:
1. membangun Zona Integritas menuju Wilayah Bebas dari Korupsi (WBK) dan Wilayah Birokrasi \
Bersih dan Melayani (WBBM) sesuai dengan {framework};
2. bekerja secara profesional, jujur, dan bertanggung jawab, serta menjunjung tinggi nilai-nilai \
integritas;
3. menolak dan tidak menerima gratifikasi dalam bentuk apa pun yang berhubungan dengan jabatan \
dan tugas kami;
4. memberikan pelayanan terbaik kepada masyarakat secara cepat, tepat, transparan, dan tanpa \
diskriminasi;
5. saling mengingatkan dan mengawasi agar tidak terjadi penyimpangan di lingkungan kerja kami.

Komitmen bersama ini kami buat dengan penuh kesadaran dan tanggung jawab, tanpa paksaan dari \
pihak mana pun."""

_KESIAPAN_BODY = """\
Pada hari ini {day} tanggal {date_words}, bertempat di {venue}, {city}, kami yang bertanda \
tangan di bawah ini, pimpinan {unit}, dengan ini menyatakan siap membangun Zona Integritas \
menuju Wilayah Bebas dari Korupsi (WBK) dan Wilayah Birokrasi Bersih dan Melayani (WBBM) di \
lingkungan unit kerja kami masing-masing sesuai dengan {framework}.

Untuk itu kami berkomitmen untuk:
1. melaksanakan pembangunan Zona Integritas pada setiap area perubahan secara sungguh-sungguh, \
konsisten, dan berkelanjutan;
2. menolak segala bentuk korupsi, kolusi, dan nepotisme serta tidak menerima gratifikasi;
3. meningkatkan kualitas pelayanan publik secara cepat, tepat, transparan, dan akuntabel;
4. membuka diri terhadap pemantauan dan evaluasi oleh Tim Penilai Internal dan Tim Penilai \
Nasional.

Demikian pernyataan ini kami buat dengan sebenar-benarnya untuk dilaksanakan dengan penuh \
tanggung jawab."""


@dataclass(frozen=True)
class ShippedTemplate:
    title: str
    body: str


SHIPPED_TEMPLATES: dict[str, ShippedTemplate] = {
    "piagam": ShippedTemplate(
        "Piagam Pencanangan Pembangunan Zona Integritas Menuju Wilayah Bebas dari Korupsi dan "
        "Wilayah Birokrasi Bersih dan Melayani",
        _PIAGAM_BODY,
    ),
    "pakta_integritas": ShippedTemplate("Pakta Integritas", _PAKTA_BODY),
    "komitmen_bersama": ShippedTemplate(
        "Komitmen Bersama Pembangunan Zona Integritas", _KOMITMEN_BODY
    ),
    "pernyataan_kesiapan": ShippedTemplate(
        "Pernyataan Kesiapan Membangun Zona Integritas Menuju Wilayah Bebas dari Korupsi dan "
        "Wilayah Birokrasi Bersih dan Melayani",
        _KESIAPAN_BODY,
    ),
}
