"""Demo organisation: the units from the news ZI Tracker started from, and one login per role.

Names of office heads and demo people are invented; the units are real.
`seed()` is idempotent: what exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from units import services
from units.models import Membership, Role, Unit, UnitKind, User

DEMO_PASSWORD = "zi-demo-2026"

# (code, parent code, kind, name, short name, province, regency, address, head name, head NIP, head position)
UNITS = [
    (
        "BPS",
        None,
        UnitKind.KEMENTERIAN_LEMBAGA,
        "Badan Pusat Statistik",
        "BPS RI",
        "DKI Jakarta",
        "Jakarta Pusat",
        "Jl. Dr. Sutomo No. 6-8, Jakarta 10710",
        "Dr. Rahmat Santoso, M.Si.",
        "196805121990031002",
        "Kepala Badan Pusat Statistik",
    ),
    (
        "BPS-IU",
        "BPS",
        UnitKind.UNIT_UTAMA,
        "Inspektorat Utama Badan Pusat Statistik",
        "Inspektorat Utama BPS",
        "DKI Jakarta",
        "Jakarta Pusat",
        "Jl. Dr. Sutomo No. 6-8, Jakarta 10710",
        "Drs. Akhmad Jaelani, M.M.",
        "196702141990031003",
        "Inspektur Utama",
    ),
    (
        "BPS-1600",
        "BPS",
        UnitKind.INSTANSI_VERTIKAL,
        "BPS Provinsi Sumatera Selatan",
        "BPS Sumsel",
        "Sumatera Selatan",
        "Palembang",
        "Jl. Kapten Anwar Arsyad No. 1, Palembang",
        "Ir. Endang Kusumawati, M.M.",
        "197003151994032001",
        "Kepala BPS Provinsi Sumatera Selatan",
    ),
    (
        "BPS-6500",
        "BPS",
        UnitKind.INSTANSI_VERTIKAL,
        "BPS Provinsi Kalimantan Utara",
        "BPS Kaltara",
        "Kalimantan Utara",
        "Tanjung Selor",
        "Jl. Sengkawit, Tanjung Selor",
        "Agus Priyanto, S.ST., M.Si.",
        "197408201997121001",
        "Kepala BPS Provinsi Kalimantan Utara",
    ),
    (
        "BPS-9100",
        "BPS",
        UnitKind.INSTANSI_VERTIKAL,
        "BPS Provinsi Papua Barat",
        "BPS Papua Barat",
        "Papua Barat",
        "Manokwari",
        "Jl. Brigjen Marinir (Purn) Abraham O. Atururi, Manokwari",
        "Dr. Yohanes Rumbiak, S.E., M.Si.",
        "197106101993031004",
        "Kepala BPS Provinsi Papua Barat",
    ),
    (
        "BPS-9171",
        "BPS-9100",
        UnitKind.SATKER,
        "BPS Kota Sorong",
        "BPS Kota Sorong",
        "Papua Barat Daya",
        "Kota Sorong",
        "Jl. Jenderal Sudirman, Kota Sorong",
        "Siti Nurhaliza, S.ST., M.Ec.Dev.",
        "198002142003122002",
        "Kepala BPS Kota Sorong",
    ),
    (
        "BPS-1200",
        "BPS",
        UnitKind.INSTANSI_VERTIKAL,
        "BPS Provinsi Sumatera Utara",
        "BPS Sumut",
        "Sumatera Utara",
        "Medan",
        "Jl. Asrama No. 179, Medan",
        "Drs. Bonifasius Simanjuntak, M.Si.",
        "196909091992031003",
        "Kepala BPS Provinsi Sumatera Utara",
    ),
    (
        "BPS-1275",
        "BPS-1200",
        UnitKind.SATKER,
        "BPS Kota Medan",
        "BPS Kota Medan",
        "Sumatera Utara",
        "Kota Medan",
        "Jl. Gaperta No. 311, Medan",
        "Rina Marpaung, S.Si., M.M.",
        "197705052000032003",
        "Kepala BPS Kota Medan",
    ),
    (
        "POLMAN",
        None,
        UnitKind.PEMERINTAH_DAERAH,
        "Pemerintah Kabupaten Polewali Mandar",
        "Pemkab Polewali Mandar",
        "Sulawesi Barat",
        "Kabupaten Polewali Mandar",
        "Jl. Manunggal No. 11, Pekkabata, Polewali",
        "H. Andi Ibrahim Masdar, M.Si.",
        "",
        "Bupati Polewali Mandar",
    ),
    (
        "POLMAN-BALITBANGREN",
        "POLMAN",
        UnitKind.OPD,
        "Badan Penelitian, Pengembangan dan Perencanaan Daerah Kabupaten Polewali Mandar",
        "Balitbangren",
        "Sulawesi Barat",
        "Kabupaten Polewali Mandar",
        "Polewali",
        "Dr. Muhammad Arif, S.T., M.T.",
        "197210031998031005",
        "Kepala Balitbangren",
    ),
    (
        "POLMAN-BKD",
        "POLMAN",
        UnitKind.OPD,
        "Badan Keuangan Daerah Kabupaten Polewali Mandar",
        "Badan Keuangan",
        "Sulawesi Barat",
        "Kabupaten Polewali Mandar",
        "Polewali",
        "Hj. Nurhayati, S.E., M.Si.",
        "197506152001122004",
        "Kepala Badan Keuangan Daerah",
    ),
    (
        "POLMAN-BAPENDA",
        "POLMAN",
        UnitKind.OPD,
        "Badan Pendapatan Daerah Kabupaten Polewali Mandar",
        "Badan Pendapatan",
        "Sulawesi Barat",
        "Kabupaten Polewali Mandar",
        "Polewali",
        "Andi Syamsul Bahri, S.Sos., M.Si.",
        "197311201999031006",
        "Kepala Badan Pendapatan Daerah",
    ),
    (
        "POLMAN-DPMPTSP",
        "POLMAN",
        UnitKind.OPD,
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Polewali Mandar",
        "Dinas PTSP",
        "Sulawesi Barat",
        "Kabupaten Polewali Mandar",
        "Polewali",
        "Ahmad Fauzi, S.H., M.H.",
        "197808082005011007",
        "Kepala Dinas PMPTSP",
    ),
    (
        "POLMAN-DISTAN",
        "POLMAN",
        UnitKind.OPD,
        "Dinas Pertanian Kabupaten Polewali Mandar",
        "Dinas Pertanian",
        "Sulawesi Barat",
        "Kabupaten Polewali Mandar",
        "Polewali",
        "Ir. Hasanuddin, M.P.",
        "196812121995031008",
        "Kepala Dinas Pertanian",
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    nip: str
    position: str
    role: Role | None  # None: national administrator (superuser)
    units: tuple[str, ...]


LOGINS = [
    DemoLogin("admin", "Admin Nasional ZI Tracker", "", "Administrator sistem", None, ()),
    DemoLogin(
        "koordinator",
        "Dewi Lestari, S.ST.",
        "198507172008012003",
        "Ketua Tim Zona Integritas BPS Kota Sorong",
        Role.COORDINATOR,
        ("BPS-9171",),
    ),
    DemoLogin(
        "staf",
        "Yosep Mambrasar, A.Md.",
        "199203112014121002",
        "Anggota Tim Kerja Manajemen Perubahan",
        Role.STAFF,
        ("BPS-9171",),
    ),
    DemoLogin(
        "penilai-tpi",
        "Bambang Hartono, Ak., M.Ak.",
        "197602282000121001",
        "Auditor Madya, Inspektorat Utama BPS",
        Role.TPI_REVIEWER,
        ("BPS",),
    ),
    DemoLogin(
        "penilai-tpn",
        "Ratna Sari Dewi, S.H., M.P.P.",
        "198011122005022001",
        "Analis Kebijakan, Tim Penilai Nasional KemenPAN-RB",
        Role.TPN_REVIEWER,
        ("BPS", "POLMAN"),
    ),
    DemoLogin(
        "pimpinan",
        "Dr. Yohanes Rumbiak, S.E., M.Si.",
        "197106101993031004",
        "Kepala BPS Provinsi Papua Barat",
        Role.VIEWER,
        ("BPS-9100",),
    ),
    DemoLogin(
        "admin-unit",
        "Andi Tenri Ajeng, S.Kom.",
        "198904042015032002",
        "Pranata Komputer, Sekretariat Daerah Polewali Mandar",
        Role.UNIT_ADMIN,
        ("POLMAN",),
    ),
]


@transaction.atomic
def seed(log=print) -> bool:
    """Create the demo units, people and roles that do not exist yet. True if anything was created."""
    created_any = False
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[row[0] for row in UNITS])}
    for code, parent, kind, name, short, province, regency, address, head, nip, position in UNITS:
        if code in units:
            continue
        units[code] = services.unit_create(
            parent=units[parent] if parent else None,
            code=code,
            kind=kind,
            name=name,
            short_name=short,
            province=province,
            regency=regency,
            address=address,
            head_name=head,
            head_nip=nip,
            head_position=position,
        )
        created_any = True
    for login in LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = services.user_create(
                username=login.username,
                password=DEMO_PASSWORD,
                full_name=login.full_name,
                nip=login.nip or None,
                position=login.position,
                email=f"{login.username}@demo.zi-tracker.local",
                is_staff=login.role is None,
                is_superuser=login.role is None,
            )
            created_any = True
        for code in login.units:
            if not Membership.objects.filter(user=user, unit=units[code], role=login.role).exists():
                services.membership_grant(unit=units[code], user=user, role=login.role, by=None)
                created_any = True
    log(
        _("Unit dan orang demo: dibuat.")
        if created_any
        else _("Unit dan orang demo: sudah ada, tidak diubah.")
    )
    return created_any


def describe_logins() -> list[str]:
    lines = []
    for login in LOGINS:
        role = login.role.label if login.role else "Admin nasional (superuser)"
        where = ", ".join(login.units) if login.units else "semua unit"
        lines.append(f"  {login.username:<12} {role} — {where}")
    return lines
