"""Placeholders, dates in words, NIPs and the body's layout: pure functions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from declarations import texts
from declarations.models import DeclarationKind

VALUES = {"unit": "BPS Kota Sorong", "city": "Sorong", "date": "Kamis, 10 Juni 2021"}


def test_fill_replaces_known_placeholders_and_keeps_doubled_braces():
    text = "Di {city}, {date}: {unit} siap. {{bukan penanda}}"
    assert texts.fill(text, VALUES) == (
        "Di Sorong, Kamis, 10 Juni 2021: BPS Kota Sorong siap. {bukan penanda}"
    )


def test_unknown_placeholder_is_refused_with_the_list_of_known_ones():
    with pytest.raises(ValidationError) as caught:
        texts.fill("Di {kota}", VALUES)
    message = caught.value.messages[0]
    assert "Penanda {kota} tidak dikenal" in message
    assert "{unit}" in message and "{city}" in message


@pytest.mark.parametrize(
    "text",
    [
        "{unit.__class__}",
        "{unit[0]}",
        "{unit!r}",
        "{unit:>40}",
        "{}",
        "{0}",
        "{__import__}",
    ],
)
def test_attribute_access_indexing_conversions_and_specs_are_refused(text):
    with pytest.raises(ValidationError) as caught:
        texts.fill(text, VALUES)
    assert caught.value.code == "placeholder_unknown"


@pytest.mark.parametrize("text", ["{unit", "unit}", "{{unit}", "a } b"])
def test_unbalanced_braces_get_a_clear_message(text):
    with pytest.raises(ValidationError) as caught:
        texts.fill(text, VALUES)
    assert "Kurung kurawal tidak berpasangan" in caught.value.messages[0]


def test_person_placeholders_only_in_a_pakta_integritas():
    assert "nip" in texts.placeholders_for(DeclarationKind.PAKTA_INTEGRITAS)
    assert "nip" not in texts.placeholders_for(DeclarationKind.PIAGAM)
    with pytest.raises(ValidationError):
        texts.check_placeholders("NIP {nip}", texts.placeholders_for(DeclarationKind.PIAGAM))


def test_every_shipped_template_uses_only_known_placeholders():
    for kind, template in texts.SHIPPED_TEMPLATES.items():
        texts.check_placeholders(template.body, texts.placeholders_for(kind))
        assert template.title


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (17, "tujuh belas"),
        (25, "dua puluh lima"),
        (100, "seratus"),
        (118, "seratus delapan belas"),
        (1000, "seribu"),
        (2018, "dua ribu delapan belas"),
        (2021, "dua ribu dua puluh satu"),
        (3450, "tiga ribu empat ratus lima puluh"),
    ],
)
def test_numbers_in_indonesian_words(number, words):
    assert texts.number_in_words(number) == words


def test_dates_in_words_and_values_are_indonesian():
    values = texts.date_values(datetime.date(2021, 6, 10), datetime.time(9, 0))
    assert values["date"] == "Kamis, 10 Juni 2021"
    assert values["day"] == "Kamis"
    assert values["date_words"] == "sepuluh bulan Juni tahun dua ribu dua puluh satu"
    assert values["time"] == "09.00"
    assert texts.date_values(datetime.date(2018, 4, 25), None)["date"] == "Rabu, 25 April 2018"


def test_names_are_joined_the_indonesian_way():
    assert texts.join_names(["A"]) == "A"
    assert texts.join_names(["A", "B"]) == "A dan B"
    assert texts.join_names(["A", "B", "C"]) == "A, B, dan C"


def test_nip_is_printed_in_its_four_groups():
    assert texts.format_nip("198002142003122002") == "19800214 200312 2 002"
    assert texts.format_nip("") == ""
    assert texts.format_nip("123") == "123"


def test_layout_makes_paragraphs_numbered_lists_and_field_tables():
    body = (
        "Saya yang bertanda tangan di bawah ini:\n"
        "Nama: Siti\n"
        "NIP: 19800214 200312 2 002\n"
        "\n"
        "dengan ini menyatakan:\n"
        "1. satu;\n"
        "   lanjutan satu\n"
        "2. dua.\n"
        "\n"
        "Demikian: selesai."
    )
    blocks = texts.layout(body)
    assert [block.kind for block in blocks] == [
        "paragraph",
        "fields",
        "paragraph",
        "list",
        "paragraph",
    ]
    assert blocks[1].items == [("Nama", "Siti"), ("NIP", "19800214 200312 2 002")]
    assert blocks[3].items == [("1", "satu; lanjutan satu"), ("2", "dua.")]
    assert blocks[4].lines == ["Demikian: selesai."]
