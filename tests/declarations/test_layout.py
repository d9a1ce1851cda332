"""Five units, five declarants and twelve witnesses: no block cut across pages, nothing overflows.

Checked twice, by two independent methods: WeasyPrint's own layout (each
signature block's boxes all land on one page, inside the page's content
area) and poppler's text of the finished PDF (each person's name and the
words printed with it are on the same page).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader
from weasyprint import HTML

from declarations import documents, services, texts
from declarations.models import Declaration, DeclarationKind
from declarations.selectors import with_participants
from lib.pdf import StaticOnlyFetcher
from tests.factories import DeclarationFactory, UnitFactory, WitnessFactory
from tests.files import stored_bytes
from tests.pdfs import pdftotext_pages, weasyprint_work
from units.models import UnitKind

INSTITUTIONS = [
    "Ombudsman Republik Indonesia Perwakilan Sulawesi Barat",
    "Komisi Pemberantasan Korupsi",
    "Pemerintah Kabupaten Polewali Mandar",
    "Dewan Perwakilan Rakyat Daerah Kabupaten Polewali Mandar",
    "Harian Radar Sulbar",
    "Universitas Al Asyariah Mandar",
]


@pytest.fixture
def crowded_draft(root_unit, catalogs):
    """A joint statement of 5 OPDs (each head declares) witnessed by 12 people, a draft."""
    regency = UnitFactory(
        code="POLMAN",
        name="Pemerintah Kabupaten Polewali Mandar",
        kind=UnitKind.PEMERINTAH_DAERAH,
        address="Jl. Manunggal No. 11, Pekkabata, Polewali",
    )
    opds = [
        UnitFactory(
            code=f"POLMAN-{n}",
            name=f"Dinas Nomor {n} Kabupaten Polewali Mandar",
            kind=UnitKind.OPD,
            parent=regency,
            head_name=f"Kepala Dinas Nomor {n}, S.H., M.H. Dengan Gelar Panjang Sekali",
            head_nip="197808082005011007",
            head_position=f"Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {n}",
        )
        for n in range(1, 6)
    ]
    declaration = DeclarationFactory(
        unit=regency, units=opds, kind=DeclarationKind.PERNYATAAN_KESIAPAN, city="Polewali"
    )
    for n in range(12):
        WitnessFactory(
            declaration=declaration,
            name=f"Saksi Nomor {n + 1}, S.Sos., M.Si.",
            position="Kepala Perwakilan" if n % 2 else "Ketua",
            institution=INSTITUTIONS[n % len(INSTITUTIONS)],
        )
    return declaration


@pytest.fixture
def crowded(crowded_draft):
    """The crowded statement, finalised."""
    return services.declaration_finalise(declaration=crowded_draft, by=None)


def weasyprint_document(declaration: Declaration):
    declaration = with_participants(Declaration.objects.filter(pk=declaration.pk)).get()
    context = documents.print_context(
        declaration, declaration.snapshot, draft=False, content_sha256=declaration.content_sha256
    )
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(documents.PDF_TEMPLATE, context)
        return HTML(string=html, base_url="file:///", url_fetcher=StaticOnlyFetcher()).render()


def block_pages(document) -> dict[str, set[int]]:
    """For each signature block (data-block key), the pages its boxes were laid out on."""
    pages: dict[str, set[int]] = defaultdict(set)
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            key = element.get("data-block") if element is not None else None
            if key:
                pages[key].add(number)
                bottom = box.position_y + box.margin_height()
                content_bottom = page._page_box.margin_top + page._page_box.height
                assert bottom <= content_bottom + 0.5, f"{key} overflows page {number}"
    return pages


def test_no_signature_block_is_cut_across_pages(crowded):
    document = weasyprint_document(crowded)
    pages = block_pages(document)

    assert len(document.pages) >= 2
    keys = {f"declarant-{n}" for n in range(5)} | {f"witness-{n}" for n in range(12)}
    assert set(pages) == keys
    split = {key: sorted(numbers) for key, numbers in pages.items() if len(numbers) != 1}
    assert not split, f"blocks cut across pages: {split}"


def test_each_name_is_printed_on_the_same_page_as_its_nip_and_institution(crowded, tmp_path):
    raw = pdftotext_pages(stored_bytes(crowded.pdf), tmp_path, mode="-raw")
    pages = [" ".join(page.split()) for page in raw]
    for n in range(1, 6):
        name_pages = [
            i for i, page in enumerate(pages) if f"Kepala Dinas Nomor {n}, S.H., M.H." in page
        ]
        assert len(name_pages) == 1
        assert "NIP. 19780808 200501 1 007" in pages[name_pages[0]]
    for n in range(1, 13):
        name_pages = [
            i for i, page in enumerate(pages) if re.search(rf"Saksi Nomor {n}, S\.Sos\.", page)
        ]
        assert len(name_pages) == 1, f"witness {n} on pages {name_pages}"
        assert INSTITUTIONS[(n - 1) % len(INSTITUTIONS)].split()[0] in pages[name_pages[0]]
    assert "Polewali, Kamis, 10 Juni 2021" in pages[0]
    assert sum("Menyaksikan," in page for page in pages) == 1
    assert f"Halaman {len(pages)} dari {len(pages)}" in pages[-1]


def test_the_menyaksikan_heading_is_never_left_alone_at_the_foot_of_a_page(crowded):
    document = weasyprint_document(crowded)
    for page in document.pages:
        texts = [box.text for box in page._page_box.descendants() if hasattr(box, "text")]
        if "Menyaksikan," in texts:
            assert texts.index("Menyaksikan,") < len(texts) - 1
            assert any("Saksi Nomor 1," in text for text in texts)


@pytest.mark.parametrize("witnesses", [1, 2, 4, 40])
def test_any_number_of_witnesses_fits_without_splitting_a_block(headed_unit, catalogs, witnesses):
    declaration = DeclarationFactory(unit=headed_unit)
    for n in range(witnesses):
        WitnessFactory(declaration=declaration, name=f"Saksi {n + 1}")
    final = services.declaration_finalise(declaration=declaration, by=None)
    pages = block_pages(weasyprint_document(final))
    assert len(pages) == witnesses + 1
    assert all(len(numbers) == 1 for numbers in pages.values())


def test_finalising_and_signing_lay_the_document_out_once(crowded_draft, signing_key):
    """Each page once, and no words laid out a second time only to measure a box: the flex
    rows of the letterhead and the numbered lists, and the footer, have set sizes."""
    declaration = with_participants(Declaration.objects.filter(pk=crowded_draft.pk)).get()
    bodies = [page["body"] for page in documents.build_snapshot(declaration)["pages"]]
    assert any(block.kind == "list" for body in bodies for block in texts.layout(body))

    with weasyprint_work() as work:
        final = services.declaration_finalise(declaration=crowded_draft, by=None)
        signed = services.declaration_sign(declaration=final, by=None)

    pages = len(PdfReader(io.BytesIO(stored_bytes(signed.signed_pdf))).pages)
    assert pages >= 2
    assert work == {"documents": 1, "pages": pages}
