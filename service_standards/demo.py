"""Demo public service of BPS Kota Sorong (six services) and BPS Kota Medan (one).

The services are the ones the Sorong office agreed standards for; the
content is plausible, written the way BPS offices publish it, but invented
where no source was at hand (decree numbers, people, dates). Respondents of
the two SKM periods are generated with a fixed seed, so every run gives the
same grades (semester I 2023: B, semester II 2023: A).

`seed()` is idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from service_standards import services
from service_standards.models import (
    Category,
    Channel,
    Consultation,
    DurationUnit,
    Maklumat,
    PeriodKind,
    SatisfactionSurvey,
    Service,
)
from units.models import Unit

SORONG, MEDAN = "BPS-9171", "BPS-1275"

LEGAL_COMMON = [
    "Undang-Undang Nomor 16 Tahun 1997 tentang Statistik",
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Peraturan Pemerintah Nomor 51 Tahun 1999 tentang Penyelenggaraan Statistik",
    "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 "
    "Tahun 2009 tentang Pelayanan Publik",
    "Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan",
]
PNBP_BASIS = (
    "Peraturan Pemerintah Nomor 7 Tahun 2015 tentang Jenis dan Tarif atas Jenis Penerimaan "
    "Negara Bukan Pajak yang Berlaku pada Badan Pusat Statistik"
)
COMPLAINTS = [
    "Kotak saran dan pengaduan di ruang Pelayanan Statistik Terpadu (PST)",
    "Surel: bps9171@bps.go.id",
    "Formulir pengaduan di pst.bps.go.id",
    "SP4N-LAPOR!: www.lapor.go.id",
]
COMPLAINT_NOTE = (
    "Pengaduan dicatat dalam buku register pengaduan, ditanggapi paling lambat 3 hari kerja, "
    "dan hasil tindak lanjutnya disampaikan kepada pelapor."
)
SUPERVISION = [
    "Supervisi dan pengawasan langsung oleh Kepala BPS Kota Sorong",
    "Pengawasan oleh Kepala Subbagian Umum dan koordinator fungsi Diseminasi Statistik",
    "Pemeriksaan oleh Inspektorat Utama BPS",
]
GUARANTEE = (
    "Pelayanan diberikan sesuai standar pelayanan ini oleh petugas yang kompeten dan ramah; "
    "bila tidak sesuai, pengguna dapat menyampaikan pengaduan dan petugas memperbaikinya."
)
SECURITY = (
    "Data pribadi pengguna dijaga kerahasiaannya; ruang pelayanan dilengkapi alat pemadam api "
    "ringan, CCTV, dan jalur evakuasi; produk yang diberikan bebas dari kesalahan data."
)
EVALUATION = (
    "Evaluasi kinerja petugas dilakukan setiap triwulan melalui rapat evaluasi, hasil survei "
    "kepuasan konsumen, dan rekapitulasi pengaduan; hasilnya dipakai untuk perbaikan layanan."
)
FACILITIES_PST = [
    "Ruang Pelayanan Statistik Terpadu (PST) yang nyaman dan berpendingin ruangan",
    "Komputer layanan dengan akses internet dan Wi-Fi gratis",
    "Meja konsultasi, ruang tunggu, dan pojok baca",
    "Sarana bagi penyandang disabilitas, ruang laktasi, dan toilet",
]


def _standard(**overrides) -> dict:
    base = {
        "complaint_channels": list(COMPLAINTS),
        "complaint_note": COMPLAINT_NOTE,
        "legal_basis": list(LEGAL_COMMON),
        "facilities": list(FACILITIES_PST),
        "internal_supervision": list(SUPERVISION),
        "service_guarantee": GUARANTEE,
        "security_guarantee": SECURITY,
        "performance_evaluation": EVALUATION,
        "is_free": True,
    }
    base.update(overrides)
    return base


def _sale(**overrides) -> dict:
    """A paid service (PNBP): the tariff regulation is its fee's legal basis and one of the
    standard's, and the treasurer serves beside the PST officer."""
    return _standard(
        **{
            "is_free": False,
            "fee_legal_basis": PNBP_BASIS,
            "legal_basis": [*LEGAL_COMMON, PNBP_BASIS],
            "staff_count": 2,
            "staff_note": "petugas PST dan bendahara penerimaan",
            **overrides,
        }
    )


SORONG_SERVICES = [
    {
        "slug": "perpustakaan",
        "name": "Layanan Perpustakaan",
        "description": (
            "Peminjaman baca di tempat publikasi BPS tercetak dan akses publikasi digital."
        ),
        "channel": Channel.BOTH,
        "category": Category.SERVICES,
        "standard": _standard(
            requirements=[
                "Mengisi buku tamu atau daftar hadir pengunjung PST",
                "Menunjukkan kartu identitas (KTP, kartu pelajar, atau kartu mahasiswa)",
            ],
            procedure=[
                "Pengunjung mengisi buku tamu di meja penerimaan PST",
                "Petugas menanyakan kebutuhan publikasi pengunjung",
                "Pengunjung mencari publikasi di rak atau melalui katalog digital",
                "Pengunjung membaca publikasi di ruang baca; publikasi tercetak tidak "
                "dibawa pulang",
                "Pengunjung mengembalikan publikasi kepada petugas dan mengisi survei kepuasan",
            ],
            duration_value=15,
            duration_unit=DurationUnit.MINUTES,
            duration_note="untuk penyediaan publikasi sejak permintaan diterima",
            products=["Publikasi BPS tercetak untuk dibaca di tempat", "Akses publikasi digital"],
            competencies=[
                "Memahami jenis dan isi publikasi BPS",
                "Mampu mengoperasikan katalog perpustakaan digital",
                "Berkomunikasi dengan santun dan ramah",
            ],
            staff_count=2,
            staff_note="petugas perpustakaan PST, bergiliran",
            legal_basis=[
                *LEGAL_COMMON,
                "Undang-Undang Nomor 43 Tahun 2007 tentang Perpustakaan",
                "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
            ],
        ),
    },
    {
        "slug": "konsultasi-statistik-tatap-muka",
        "name": "Konsultasi Statistik Tatap Muka",
        "description": (
            "Konsultasi tentang data, konsep, definisi, dan metodologi statistik di ruang PST."
        ),
        "channel": Channel.IN_PERSON,
        "category": Category.SERVICES,
        "standard": _standard(
            requirements=[
                "Mengisi buku tamu di meja penerimaan PST",
                "Menyampaikan pertanyaan atau kebutuhan data secara jelas",
            ],
            procedure=[
                "Pengunjung mengisi buku tamu dan mengambil nomor antrean",
                "Petugas PST menerima pengunjung di meja konsultasi",
                "Pengunjung menyampaikan kebutuhan data atau pertanyaan statistik",
                "Petugas memberikan penjelasan dan menunjukkan sumber data yang sesuai",
                "Bila perlu, petugas meneruskan pertanyaan kepada fungsi teknis terkait",
                "Pengunjung mengisi survei kepuasan konsumen",
            ],
            duration_value=60,
            duration_unit=DurationUnit.MINUTES,
            duration_note="untuk satu sesi konsultasi",
            products=["Penjelasan data dan metodologi statistik", "Rujukan sumber data BPS"],
            competencies=[
                "Menguasai konsep, definisi, dan metodologi statistik dasar",
                "Mengetahui ketersediaan data BPS Kota Sorong",
                "Mampu berkomunikasi dengan baik dan sopan",
            ],
            staff_count=3,
            staff_note="petugas PST dan pegawai fungsi teknis, bergiliran",
        ),
        # An older, superseded version: the history shows both.
        "previous": {
            "duration_value": 90,
            "duration_note": "untuk satu sesi konsultasi",
            "change_note": "Versi pertama.",
        },
    },
    {
        "slug": "konsultasi-statistik-daring",
        "name": "Konsultasi Statistik Daring",
        "description": "Konsultasi statistik melalui PST daring tanpa harus datang ke kantor.",
        "channel": Channel.ONLINE,
        "category": Category.SERVICES,
        "standard": _standard(
            requirements=[
                "Memiliki akun di pst.bps.go.id",
                "Mengisi formulir konsultasi daring dengan pertanyaan yang jelas",
            ],
            procedure=[
                "Pengguna masuk ke pst.bps.go.id dan memilih BPS Kota Sorong",
                "Pengguna mengisi formulir konsultasi dan mengirimkannya",
                "Petugas PST menerima dan memeriksa pertanyaan",
                "Petugas menjawab melalui pesan daring atau pertemuan video",
                "Pengguna menerima jawaban dan mengisi survei kepuasan",
            ],
            duration_value=1,
            duration_unit=DurationUnit.WORKING_DAYS,
            duration_note="sejak pertanyaan diterima pada jam kerja",
            products=["Jawaban konsultasi tertulis atau melalui pertemuan video"],
            facilities=[
                "Laman PST daring (pst.bps.go.id)",
                "Komputer, akses internet, dan perangkat konferensi video",
            ],
            competencies=[
                "Menguasai konsep, definisi, dan metodologi statistik dasar",
                "Mampu menggunakan aplikasi PST daring dan konferensi video",
            ],
            staff_count=2,
            staff_note="petugas PST daring",
        ),
    },
    {
        "slug": "penjualan-publikasi-tatap-muka",
        "name": "Penjualan Publikasi Tatap Muka",
        "description": "Pembelian publikasi BPS tercetak di ruang PST.",
        "channel": Channel.IN_PERSON,
        "category": Category.GOODS,
        "standard": _sale(
            requirements=[
                "Mengisi buku tamu dan formulir pemesanan publikasi",
                "Membayar sesuai tarif melalui kode billing di bank atau kantor pos persepsi",
            ],
            procedure=[
                "Pengunjung mengisi buku tamu dan formulir pemesanan",
                "Petugas memeriksa ketersediaan publikasi dan menerbitkan kode billing",
                "Pengunjung membayar melalui bank atau kantor pos persepsi",
                "Pengunjung menunjukkan bukti pembayaran kepada petugas",
                "Petugas menyerahkan publikasi beserta kuitansi",
            ],
            duration_value=30,
            duration_unit=DurationUnit.MINUTES,
            duration_note="setelah bukti pembayaran diterima",
            fee_amount=Decimal("75000.00"),
            fee_note=(
                "per eksemplar Kota Sorong Dalam Angka; tarif judul lain sesuai daftar di ruang PST"
            ),
            products=["Publikasi BPS tercetak", "Kuitansi pembayaran PNBP"],
            competencies=[
                "Memahami tarif PNBP dan tata cara pembayaran dengan kode billing",
                "Mengetahui ketersediaan publikasi",
            ],
        ),
    },
    {
        "slug": "penjualan-publikasi-daring",
        "name": "Penjualan Publikasi Daring",
        "description": "Pembelian publikasi dan data digital melalui layanan daring BPS.",
        "channel": Channel.ONLINE,
        "category": Category.GOODS,
        "standard": _sale(
            requirements=[
                "Memiliki akun pada layanan daring BPS (silastik.bps.go.id)",
                "Mengisi formulir pemesanan dan membayar dengan kode billing",
            ],
            procedure=[
                "Pengguna masuk ke layanan daring dan memilih produk BPS Kota Sorong",
                "Pengguna mengisi formulir pemesanan",
                "Petugas memeriksa pesanan dan menerbitkan kode billing",
                "Pengguna membayar dan mengunggah bukti pembayaran",
                "Petugas mengirimkan produk digital melalui layanan daring",
            ],
            duration_value=3,
            duration_unit=DurationUnit.WORKING_DAYS,
            duration_note="sejak pembayaran dikonfirmasi",
            fee_amount=Decimal("25000.00"),
            fee_note="per publikasi digital; tarif data mikro dan tabulasi khusus sesuai PP",
            products=["Publikasi digital (PDF)", "Kuitansi pembayaran PNBP elektronik"],
            facilities=[
                "Layanan daring BPS (silastik.bps.go.id)",
                "Komputer dan akses internet petugas",
            ],
            competencies=[
                "Memahami tarif PNBP dan tata cara pembayaran dengan kode billing",
                "Mampu mengoperasikan layanan daring BPS",
            ],
        ),
    },
    {
        "slug": "rekomendasi-kegiatan-statistik",
        "name": "Rekomendasi Kegiatan Statistik",
        "description": (
            "Rekomendasi atas rancangan survei instansi pemerintah daerah di Kota Sorong agar "
            "tidak tumpang tindih dan sesuai kaidah statistik."
        ),
        "channel": Channel.BOTH,
        "category": Category.ADMINISTRATIVE,
        "standard": _standard(
            requirements=[
                "Surat permohonan rekomendasi dari pimpinan instansi penyelenggara",
                "Rancangan kegiatan statistik (latar belakang, tujuan, metodologi, jadwal)",
                "Kuesioner dan pedoman pencacahan",
                "Akun instansi pada romantik.bps.go.id",
            ],
            procedure=[
                "Instansi mengajukan permohonan melalui romantik.bps.go.id",
                "Petugas memeriksa kelengkapan berkas paling lama 2 hari kerja",
                "Tim pemeriksa menelaah metodologi dan kuesioner",
                "Bila perlu, instansi memperbaiki rancangan sesuai catatan tim",
                "Kepala BPS Kota Sorong menandatangani surat rekomendasi",
                "Surat rekomendasi dikirim melalui romantik.bps.go.id",
            ],
            duration_value=14,
            duration_unit=DurationUnit.WORKING_DAYS,
            duration_note="sejak berkas dinyatakan lengkap",
            products=["Surat rekomendasi kegiatan statistik", "Catatan perbaikan rancangan survei"],
            facilities=[
                "Aplikasi Rekomendasi Kegiatan Statistik (romantik.bps.go.id)",
                "Ruang rapat untuk konsultasi metodologi",
            ],
            competencies=[
                "Menguasai metodologi survei dan penyusunan kuesioner",
                "Memahami ketentuan Satu Data Indonesia",
            ],
            staff_count=4,
            staff_note="tim pemeriksa rekomendasi",
            legal_basis=[
                *LEGAL_COMMON,
                "Peraturan Presiden Nomor 39 Tahun 2019 tentang Satu Data Indonesia",
            ],
        ),
    },
]

# A draft in progress: never visible on the public pages.
LIBRARY_DRAFT_ITEM = "Menunjukkan kartu anggota Perpustakaan Digital BPS"

MEDAN_SERVICE = {
    "slug": "pelayanan-statistik-terpadu",
    "name": "Pelayanan Statistik Terpadu",
    "description": (
        "Perpustakaan, konsultasi statistik, dan penjualan produk statistik dalam satu pintu."
    ),
    "channel": Channel.BOTH,
    "category": Category.SERVICES,
}


def _minutes_pdf(title: str) -> bytes:
    """A tiny valid one-page PDF standing in for scanned FGD minutes."""
    text = title.replace("(", "").replace(")", "")[:80]
    stream = f"BT /F1 12 Tf 60 780 Td (Notulen: {text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _upload(title: str) -> services.CheckedUpload:
    content = _minutes_pdf(title)
    return services.CheckedUpload(content, "application/pdf", ".pdf", "notulen-fgd.pdf")


def _consultation(unit: Unit, *, title: str, held_on, place, participants, summary, service_list):
    existing = Consultation.objects.filter(unit=unit, title=title).first()
    if existing is not None:
        return existing, False
    return (
        services.consultation_create(
            unit=unit,
            by=None,
            services=service_list,
            minutes=_upload(title),
            held_on=held_on,
            title=title,
            place=place,
            participants=participants,
            summary=summary,
        ),
        True,
    )


def _respondents(rng: random.Random, count: int, weights: tuple[float, float, float, float]):
    educations = ["SMA", "D3", "S1", "S1", "S2"]
    occupations = ["Mahasiswa", "PNS", "Swasta", "Peneliti", "Wiraswasta"]
    used = ["Perpustakaan", "Konsultasi statistik", "Penjualan publikasi", "Rekomendasi"]
    rows = []
    for index in range(count):
        values = tuple(rng.choices((1, 2, 3, 4), weights=weights, k=9))
        rows.append(
            services.RespondentRow(
                row_number=index + 2,
                values=values,
                sex=rng.choice("LP"),
                age=rng.randint(19, 58),
                education=rng.choice(educations),
                occupation=rng.choice(occupations),
                service_used=rng.choice(used),
            )
        )
    return rows


def _seed_sorong(unit: Unit, log) -> bool:
    created = False
    service_objects = {}
    for spec in SORONG_SERVICES:
        service = Service.objects.filter(unit=unit, slug=spec["slug"]).first()
        if service is None:
            service = services.service_create(
                unit=unit,
                by=None,
                slug=spec["slug"],
                name=spec["name"],
                description=spec["description"],
                channel=spec["channel"],
                category=spec["category"],
            )
            created = True
        service_objects[spec["slug"]] = service

    fgd, made = _consultation(
        unit,
        title="Forum Konsultasi Publik Standar Pelayanan BPS Kota Sorong 2023",
        held_on=datetime.date(2023, 1, 19),
        place="Ruang Rapat BPS Kota Sorong",
        participants=[
            "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah Kota Sorong",
            "Dinas Komunikasi dan Informatika Kota Sorong",
            "Universitas Muhammadiyah Sorong",
            "Universitas Victory Sorong",
            "Perwakilan media lokal",
            "Pengguna data: mahasiswa dan peneliti",
        ],
        summary=(
            "Peserta menyepakati standar pelayanan keenam layanan. Masukan: jangka waktu "
            "konsultasi tatap muka dipersingkat menjadi 60 menit dan saluran pengaduan daring "
            "dicantumkan pada setiap standar."
        ),
        service_list=list(service_objects.values()),
    )
    created |= made

    for number, spec in enumerate(SORONG_SERVICES, start=1):
        service = service_objects[spec["slug"]]
        if service.versions.exists():
            continue
        content = dict(spec["standard"])
        previous = spec.get("previous")
        if previous:
            old = services.version_create(service=service, by=None, **{**content, **previous})
            services.version_publish(
                version=old,
                by=None,
                decree_number="B-45/91710/HK.100/2021",
                decree_date=datetime.date(2021, 3, 1),
                effective_date=datetime.date(2021, 3, 1),
            )
            content["change_note"] = "Jangka waktu dipersingkat sesuai masukan FGD 19 Januari 2023."
            version = services.version_create(service=service, by=None, copy_from=old)
            services.version_update(version=version, by=None, **content)
        else:
            version = services.version_create(service=service, by=None, **content)
        services.version_publish(
            version=version,
            by=None,
            decree_number=f"B-{20 + number:02d}/91710/HK.100/01/2023",
            decree_date=datetime.date(2023, 1, 26),
            effective_date=datetime.date(2023, 2, 1),
            consultation=fgd,
        )
        if spec["slug"] == "perpustakaan":
            draft = services.version_create(service=service, by=None, copy_from=version)
            services.version_update(
                version=draft,
                by=None,
                requirements=[*draft.requirements, LIBRARY_DRAFT_ITEM],
                duration_value=10,
                change_note="Usulan: kartu anggota perpustakaan digital (belum disepakati).",
            )
        created = True

    if not Maklumat.objects.filter(unit=unit).exists():
        draft = services.maklumat_save_draft(unit=unit, by=None, text="")
        services.maklumat_sign(
            maklumat=draft, by=None, signed_on=datetime.date(2023, 1, 26), signed_place="Sorong"
        )
        created = True

    rng = random.Random(9171)
    periods = [
        (
            1,
            (0.01, 0.06, 0.62, 0.31),
            "Pengumpulan data 1 Juni–30 Juni 2023 di ruang PST dan daring.",
        ),
        (2, (0.0, 0.02, 0.38, 0.60), "Pengumpulan data 1 November–8 Desember 2023."),
    ]
    for semester, weights, note in periods:
        rows = _respondents(rng, 120, weights)  # drawn even when the period exists: same seed
        if SatisfactionSurvey.objects.filter(
            unit=unit,
            service__isnull=True,
            year=2023,
            period_kind=PeriodKind.SEMESTER,
            period_number=semester,
        ).exists():
            continue
        survey = services.survey_create(
            unit=unit,
            by=None,
            year=2023,
            period_kind=PeriodKind.SEMESTER,
            period_number=semester,
            note=note,
        )
        survey = services.survey_replace_respondents(survey=survey, by=None, rows=rows)
        # 160 users in the semester: Krejcie–Morgan asks for 113 respondents, 120 answered.
        survey = services.survey_set_population(survey=survey, population=160, by=None)
        services.survey_publish(survey=survey, by=None)
        created = True
    return created


def _seed_medan(unit: Unit) -> bool:
    if Service.objects.filter(unit=unit, slug=MEDAN_SERVICE["slug"]).exists():
        return False
    service = services.service_create(unit=unit, by=None, **MEDAN_SERVICE)
    fgd, _made = _consultation(
        unit,
        title="Focus Group Discussion Pelayanan Statistik BPS Kota Medan",
        held_on=datetime.date(2023, 3, 14),
        place="Aula BPS Kota Medan",
        participants=[
            "Bappeda Kota Medan",
            "Dinas Komunikasi dan Informatika Kota Medan",
            "Universitas Sumatera Utara",
            "Ombudsman RI Perwakilan Sumatera Utara",
            "Pengguna data dari kalangan usaha",
        ],
        summary="Peserta membahas persyaratan, jangka waktu, dan kanal pengaduan layanan PST.",
        service_list=[service],
    )
    complaints = [c.replace("bps9171", "bps1275") for c in COMPLAINTS]
    version = services.version_create(
        service=service,
        by=None,
        **_standard(
            requirements=["Mengisi buku tamu PST", "Menyampaikan kebutuhan data"],
            procedure=[
                "Pengunjung mengisi buku tamu dan mengambil nomor antrean",
                "Petugas menanyakan kebutuhan pengunjung",
                "Petugas memberikan layanan perpustakaan, konsultasi, atau penjualan produk",
                "Pengunjung mengisi survei kepuasan",
            ],
            duration_value=60,
            duration_unit=DurationUnit.MINUTES,
            products=["Data dan informasi statistik", "Publikasi BPS"],
            competencies=["Menguasai data dan metodologi statistik", "Melayani dengan ramah"],
            staff_count=4,
            complaint_channels=complaints,
            internal_supervision=["Pengawasan langsung oleh Kepala BPS Kota Medan"],
        ),
    )
    services.version_publish(
        version=version,
        by=None,
        decree_number="B-31/12750/HK.100/03/2023",
        decree_date=datetime.date(2023, 3, 28),
        effective_date=datetime.date(2023, 4, 3),
        consultation=fgd,
    )
    return True


@transaction.atomic
def seed(log=print) -> bool:
    """Create the demo services, standards, FGDs, maklumat and SKM that do not exist yet."""
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[SORONG, MEDAN])}
    created = False
    if SORONG in units:
        created |= _seed_sorong(units[SORONG], log)
    if MEDAN in units:
        created |= _seed_medan(units[MEDAN])
    log(
        _("Standar pelayanan demo: dibuat.")
        if created
        else _("Standar pelayanan demo: sudah ada, tidak diubah.")
    )
    return created
