"""A unit's public service: services, standar pelayanan versions, maklumat, SKM.

- **Service** — one service a unit provides (a library, a consultation desk).
- **StandardVersion** — one version of a service's *standar pelayanan* with
  the 14 components of UU 25/2009 Pasal 21 and PermenPAN-RB 15/2014, split
  into the six *penyampaian* (delivery) and the eight *pengelolaan*
  (internal management) components. Draft → published → superseded; the
  database holds at most one published version per service.
- **Consultation** — a stakeholder consultation (FGD) on the unit's standards,
  with its minutes; a published version names the one it followed.
- **Maklumat** — the unit's service pledge, signed by its head.
- **SatisfactionSurvey / Respondent** — one SKM period (PermenPAN-RB 14/2017)
  for the unit or one of its services, with the respondents' answers kept so
  the result can be recomputed (see `service_standards.skm`).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from service_standards import skm
from units.models import actor_field

STANDARD_MAKLUMAT_TEXT = (
    "Dengan ini, kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar "
    "pelayanan yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap "
    "menerima sanksi sesuai peraturan perundang-undangan yang berlaku."
)

MAX_LIST_ITEMS = 60
MAX_ITEM_LENGTH = 1000


def validate_text_list(value) -> None:
    """A component kept as a list: a JSON list of non-empty strings."""
    if not isinstance(value, list):
        raise ValidationError(_("Harus berupa daftar."), code="not_a_list")
    if len(value) > MAX_LIST_ITEMS:
        raise ValidationError(
            _("Paling banyak %(max)d butir."), params={"max": MAX_LIST_ITEMS}, code="too_many"
        )
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(_("Setiap butir harus berisi teks."), code="empty_item")
        if len(item) > MAX_ITEM_LENGTH:
            raise ValidationError(
                _("Setiap butir paling panjang %(max)d karakter."),
                params={"max": MAX_ITEM_LENGTH},
                code="item_too_long",
            )


class TextListField(models.JSONField):
    """An ordered list of short texts (persyaratan, langkah prosedur, dasar hukum…)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        if validate_text_list not in self.validators:
            self.validators.append(validate_text_list)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, "service_standards.models.TextListField", args, kwargs


# --- services -------------------------------------------------------------------------


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Tatap muka")
    ONLINE = "online", _("Daring")
    BOTH = "both", _("Tatap muka dan daring")


class Category(models.TextChoices):
    """The three kinds of public service of UU 25/2009 Pasal 5."""

    GOODS = "goods", _("Pelayanan barang publik")
    SERVICES = "services", _("Pelayanan jasa publik")
    ADMINISTRATIVE = "administrative", _("Pelayanan administratif")


class ServiceQuerySet(models.QuerySet):
    def for_unit(self, unit) -> ServiceQuerySet:
        return self.filter(unit=unit)

    def active(self) -> ServiceQuerySet:
        return self.filter(is_active=True)

    def publicly_listed(self) -> ServiceQuerySet:
        """Active services of active units that have a published standard."""
        return self.filter(
            is_active=True,
            unit__is_active=True,
            versions__status=StandardVersion.Status.PUBLISHED,
        )


class Service(models.Model):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="services", verbose_name=_("unit")
    )
    name = models.CharField(_("nama layanan"), max_length=200)
    slug = models.SlugField(
        _("alamat singkat"),
        max_length=80,
        help_text=_(
            "Bagian alamat halaman publik layanan, misalnya perpustakaan. Jangan diubah setelah "
            "dicetak pada kode QR."
        ),
    )
    description = models.TextField(_("uraian"), blank=True)
    channel = models.CharField(_("saluran"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Layanan nonaktif tidak tampil di halaman publik.")
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()
    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["unit", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "slug"], name="service_slug_unique_per_unit"),
            models.UniqueConstraint(fields=["unit", "name"], name="service_name_unique_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "service_standards:service_detail",
            kwargs={"code": self.unit.code, "service_id": self.pk},
        )

    def get_public_url(self) -> str:
        return reverse(
            "service_standards:public_service",
            kwargs={"code": self.unit.code, "slug": self.slug},
        )


# --- standar pelayanan ----------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One of the 14 components of a standar pelayanan and the fields that hold it.

    `rows` are the fields as the forms lay them out, a name alone on its line or
    a tuple of names side by side (the shape of the admin's fieldsets). The
    component is filled when every `required` field holds a value (the first
    field when none is named); the fee is the exception, see
    `StandardVersion.is_filled`.
    """

    key: str
    label: str  # lazily translated
    anchor: str  # the id of its section on the pages, for links to one component
    rows: tuple[str | tuple[str, ...], ...]
    required: tuple[str, ...] = ()
    numbered: bool = False  # a list whose order matters (steps, the hierarchy of laws)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(
            name for row in self.rows for name in ((row,) if isinstance(row, str) else row)
        )

    @property
    def filled_by(self) -> tuple[str, ...]:
        return self.required or self.fields[:1]


class ComponentGroup(NamedTuple):
    letter: str
    label: str
    components: tuple[Component, ...]

    @property
    def rows(self) -> tuple[str | tuple[str, ...], ...]:
        return tuple(row for component in self.components for row in component.rows)


# The 14 components of UU 25/2009 Pasal 21 in the order and the two groups of
# PermenPAN-RB 15/2014: the forms, the admin, imports, pages and the PDF all read
# this table, and publishing needs every component filled.
COMPONENT_GROUPS = (
    ComponentGroup(
        "A",
        _("Komponen penyampaian pelayanan"),
        (
            Component("requirements", _("Persyaratan"), "persyaratan", ("requirements",)),
            Component(
                "procedure",
                _("Sistem, mekanisme, dan prosedur"),
                "prosedur",
                ("procedure",),
                numbered=True,
            ),
            Component(
                "duration",
                _("Jangka waktu pelayanan"),
                "jangka-waktu",
                (("duration_value", "duration_unit"), "duration_note"),
                required=("duration_value", "duration_unit"),
            ),
            Component(
                "fee",
                _("Biaya/tarif"),
                "biaya",
                ("is_free", ("fee_amount", "fee_note"), "fee_legal_basis"),
            ),
            Component("products", _("Produk pelayanan"), "produk", ("products",)),
            Component(
                "complaints",
                _("Penanganan pengaduan, saran, dan masukan"),
                "pengaduan",
                ("complaint_channels", "complaint_note"),
            ),
        ),
    ),
    ComponentGroup(
        "B",
        _("Komponen pengelolaan pelayanan"),
        (
            Component(
                "legal_basis", _("Dasar hukum"), "dasar-hukum", ("legal_basis",), numbered=True
            ),
            Component(
                "facilities", _("Sarana, prasarana, dan/atau fasilitas"), "sarana", ("facilities",)
            ),
            Component("competencies", _("Kompetensi pelaksana"), "kompetensi", ("competencies",)),
            Component(
                "internal_supervision",
                _("Pengawasan internal"),
                "pengawasan",
                ("internal_supervision",),
            ),
            Component(
                "staff_count",
                _("Jumlah pelaksana"),
                "jumlah-pelaksana",
                (("staff_count", "staff_note"),),
            ),
            Component(
                "service_guarantee",
                _("Jaminan pelayanan"),
                "jaminan-pelayanan",
                ("service_guarantee",),
            ),
            Component(
                "security_guarantee",
                _("Jaminan keamanan dan keselamatan pelayanan"),
                "jaminan-keamanan",
                ("security_guarantee",),
            ),
            Component(
                "performance_evaluation",
                _("Evaluasi kinerja pelaksana"),
                "evaluasi",
                ("performance_evaluation",),
            ),
        ),
    ),
)
COMPONENTS = tuple(component for group in COMPONENT_GROUPS for component in group.components)


class ShownComponent(NamedTuple):
    """A component of one version as the pages show it (see `component_sections`)."""

    number: int
    key: str
    label: str
    anchor: str
    numbered: bool
    is_list: bool
    value: object  # its first field: the list, the text, the count


class ComponentSection(NamedTuple):
    group: ComponentGroup
    items: list[ShownComponent]


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("menit")
    HOURS = "hours", _("jam")
    WORKING_DAYS = "working_days", _("hari kerja")
    CALENDAR_DAYS = "calendar_days", _("hari kalender")


class StandardVersionQuerySet(models.QuerySet):
    def published(self) -> StandardVersionQuerySet:
        return self.filter(status=StandardVersion.Status.PUBLISHED)

    def drafts(self) -> StandardVersionQuerySet:
        return self.filter(status=StandardVersion.Status.DRAFT)


class StandardVersion(models.Model):
    """One version of a service's standar pelayanan, all 14 components structured."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Berlaku")
        SUPERSEDED = "superseded", _("Diganti")

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="versions", verbose_name=_("layanan")
    )
    number = models.PositiveIntegerField(_("nomor versi"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # Raised by one on every save through the services; edit forms send back the
    # revision they were opened at, so a save over someone else's is refused.
    revision = models.PositiveIntegerField(_("revisi"), default=0, editable=False)
    change_note = models.TextField(
        _("catatan perubahan"),
        blank=True,
        help_text=_("Apa yang berubah dibanding versi sebelumnya."),
    )

    # Komponen penyampaian pelayanan (service delivery), PermenPAN-RB 15/2014.
    requirements = TextListField(_("persyaratan"))
    procedure = TextListField(_("sistem, mekanisme, dan prosedur"))
    duration_value = models.PositiveIntegerField(
        _("jangka waktu pelayanan"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    duration_unit = models.CharField(
        _("satuan jangka waktu"), max_length=16, choices=DurationUnit.choices, blank=True
    )
    duration_note = models.CharField(
        _("keterangan jangka waktu"),
        max_length=300,
        blank=True,
        help_text=_("Misalnya: sejak persyaratan dinyatakan lengkap."),
    )
    is_free = models.BooleanField(_("tidak dipungut biaya"), default=True)
    fee_amount = models.DecimalField(
        _("biaya/tarif (Rp)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    fee_note = models.CharField(
        _("keterangan biaya"),
        max_length=300,
        blank=True,
        help_text=_("Misalnya: per eksemplar; harga tiap judul sesuai katalog."),
    )
    fee_legal_basis = models.CharField(
        _("dasar hukum biaya/tarif"),
        max_length=500,
        blank=True,
        help_text=_("Misalnya PP yang menetapkan tarif PNBP. Wajib bila berbayar."),
    )
    products = TextListField(_("produk pelayanan"))
    complaint_channels = TextListField(_("penanganan pengaduan, saran, dan masukan"))
    complaint_note = models.TextField(
        _("keterangan pengaduan"),
        blank=True,
        help_text=_("Misalnya: pengaduan ditanggapi paling lambat 3 hari kerja."),
    )

    # Komponen pengelolaan pelayanan di internal organisasi (internal management).
    legal_basis = TextListField(_("dasar hukum"))
    facilities = TextListField(_("sarana, prasarana, dan/atau fasilitas"))
    competencies = TextListField(_("kompetensi pelaksana"))
    internal_supervision = TextListField(_("pengawasan internal"))
    staff_count = models.PositiveSmallIntegerField(
        _("jumlah pelaksana"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    staff_note = models.CharField(
        _("keterangan jumlah pelaksana"),
        max_length=300,
        blank=True,
        help_text=_("Misalnya: petugas PST, bergiliran."),
    )
    service_guarantee = models.TextField(_("jaminan pelayanan"), blank=True)
    security_guarantee = models.TextField(
        _("jaminan keamanan dan keselamatan pelayanan"), blank=True
    )
    performance_evaluation = models.TextField(_("evaluasi kinerja pelaksana"), blank=True)

    # Penetapan.
    decree_number = models.CharField(_("nomor keputusan"), max_length=150, blank=True)
    decree_date = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    effective_date = models.DateField(_("tanggal berlaku"), null=True, blank=True)
    consultation = models.ForeignKey(
        "Consultation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_versions",
        verbose_name=_("konsultasi publik"),
    )
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    published_by = actor_field(_("diterbitkan oleh"))
    superseded_at = models.DateTimeField(_("diganti"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disalin dari"),
    )
    created_by = actor_field(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()
    objects = StandardVersionQuerySet.as_manager()

    # Fields copied into a new draft, edited by the forms and compared by imports.
    CONTENT_FIELDS = tuple(name for component in COMPONENTS for name in component.fields)

    class Meta:
        verbose_name = _("versi standar pelayanan")
        verbose_name_plural = _("versi standar pelayanan")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="published"),
                name="standard_one_published_per_service",
            ),
            models.UniqueConstraint(
                fields=["service", "number"], name="standard_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    ~Q(decree_number="")
                    & Q(decree_date__isnull=False)
                    & Q(effective_date__isnull=False)
                    & Q(published_at__isnull=False)
                ),
                name="standard_published_has_decree",
            ),
            models.CheckConstraint(
                condition=~Q(status="superseded") | Q(superseded_at__isnull=False),
                name="standard_superseded_has_date",
            ),
            models.CheckConstraint(
                condition=Q(is_free=True, fee_amount__isnull=True) | Q(is_free=False),
                name="standard_free_has_no_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} — v{self.number} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "service_standards:version_detail",
            kwargs={"code": self.service.unit.code, "version_id": self.pk},
        )

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self) -> None:
        super().clean()
        errors = {}
        if (self.duration_value is None) != (not self.duration_unit):
            errors["duration_unit"] = _(
                "Isi jangka waktu beserta satuannya, atau kosongkan keduanya."
            )
        if self.is_free:
            self.fee_amount = None
        elif self.fee_amount is None:
            errors["fee_amount"] = _("Isi besaran biaya/tarif, atau tandai layanan tanpa biaya.")
        if errors:
            raise ValidationError(errors)

    def is_filled(self, component: Component) -> bool:
        """Whether a component says what the public needs to know. No query."""
        if component.key == "fee":
            # Free, or the amount together with the regulation that sets it.
            return self.is_free or (
                self.fee_amount is not None and bool(self.fee_legal_basis.strip())
            )
        return all(_has_value(getattr(self, name)) for name in component.filled_by)

    def missing_components(self) -> list[str]:
        """Names of the components still empty: a version cannot be published with any."""
        return [str(component.label) for component in COMPONENTS if not self.is_filled(component)]

    def component_sections(self) -> list[ComponentSection]:
        """The components by group, numbered 1–14, with their values, for pages. No query."""
        list_fields = {
            field.name for field in self._meta.fields if isinstance(field, TextListField)
        }
        sections, number = [], 0
        for group in COMPONENT_GROUPS:
            items = []
            for component in group.components:
                number += 1
                main = component.fields[0]
                items.append(
                    ShownComponent(
                        number=number,
                        key=component.key,
                        label=component.label,
                        anchor=component.anchor,
                        numbered=component.numbered,
                        is_list=main in list_fields,
                        value=getattr(self, main),
                    )
                )
            sections.append(ComponentSection(group=group, items=items))
        return sections


def _has_value(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return value is not None


# --- konsultasi publik ----------------------------------------------------------------


def minutes_upload_to(instance: Consultation, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"service-standards/{instance.unit.code}/consultations/{uuid.uuid4().hex}{suffix}"


class Consultation(models.Model):
    """A stakeholder consultation (FGD) on the unit's standards, with its minutes."""

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="service_consultations",
        verbose_name=_("unit"),
    )
    held_on = models.DateField(_("tanggal pelaksanaan"))
    title = models.CharField(_("judul kegiatan"), max_length=250)
    place = models.CharField(_("tempat"), max_length=250, blank=True)
    participants = TextListField(
        _("peserta"),
        help_text=_("Satu peserta atau unsur per baris, misalnya: Perwakilan Universitas."),
    )
    summary = models.TextField(_("hasil dan kesepakatan"), blank=True)
    services = models.ManyToManyField(
        Service, blank=True, related_name="consultations", verbose_name=_("layanan yang dibahas")
    )
    minutes = models.FileField(_("notulen/berita acara"), upload_to=minutes_upload_to, blank=True)
    minutes_name = models.CharField(_("nama berkas notulen"), max_length=200, blank=True)
    minutes_size = models.PositiveIntegerField(_("ukuran berkas"), default=0)
    minutes_content_type = models.CharField(_("jenis berkas"), max_length=100, blank=True)
    minutes_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = actor_field(_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("konsultasi publik (FGD)")
        verbose_name_plural = _("konsultasi publik (FGD)")
        ordering = ["unit", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return (
            reverse("service_standards:consultations", kwargs={"code": self.unit.code})
            + f"#fgd-{self.pk}"
        )


# --- maklumat pelayanan ---------------------------------------------------------------


class Maklumat(models.Model):
    """The unit's service pledge. Draft → signed (by the head) → superseded by a newer one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SIGNED = "signed", _("Ditandatangani")
        SUPERSEDED = "superseded", _("Diganti")

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="maklumats", verbose_name=_("unit")
    )
    text = models.TextField(_("isi maklumat"), default=STANDARD_MAKLUMAT_TEXT)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # Raised by one on every save through the services; edit forms send back the
    # revision they were opened at, so a save over someone else's is refused.
    revision = models.PositiveIntegerField(_("revisi"), default=0, editable=False)
    signer_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    signer_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    signer_position = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    signed_place = models.CharField(_("tempat penandatanganan"), max_length=100, blank=True)
    signed_on = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    signed_at = models.DateTimeField(_("dicatat ditandatangani"), null=True, blank=True)
    signed_by = actor_field(_("dicatat oleh"))
    superseded_at = models.DateTimeField(_("diganti"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maklumat pelayanan")
        verbose_name_plural = _("maklumat pelayanan")
        ordering = ["unit", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="signed"), name="maklumat_one_signed_per_unit"
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="draft"), name="maklumat_one_draft_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (~Q(signer_name="") & Q(signed_on__isnull=False) & ~Q(signed_place="")),
                name="maklumat_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Maklumat pelayanan')} {self.unit} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("service_standards:maklumat", kwargs={"code": self.unit.code})


# --- survei kepuasan masyarakat -------------------------------------------------------


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Triwulan")
    SEMESTER = "semester", _("Semester")
    YEAR = "year", _("Tahun")


PERIODS_PER_YEAR = {PeriodKind.QUARTER: 4, PeriodKind.SEMESTER: 2, PeriodKind.YEAR: 1}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_bounds(kind: str, number: int, year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a survey period."""
    months = 12 // PERIODS_PER_YEAR[PeriodKind(kind)]
    first_month = (number - 1) * months + 1
    start = datetime.date(year, first_month, 1)
    last_month = first_month + months - 1
    end = (
        datetime.date(year + 1, 1, 1)
        if last_month == 12
        else datetime.date(year, last_month + 1, 1)
    ) - datetime.timedelta(days=1)
    return start, end


ELEMENT_LABELS = (
    ("u1", _("Persyaratan")),
    ("u2", _("Sistem, mekanisme, dan prosedur")),
    ("u3", _("Waktu penyelesaian")),
    ("u4", _("Biaya/tarif")),
    ("u5", _("Produk spesifikasi jenis pelayanan")),
    ("u6", _("Kompetensi pelaksana")),
    ("u7", _("Perilaku pelaksana")),
    ("u8", _("Penanganan pengaduan, saran, dan masukan")),
    ("u9", _("Sarana dan prasarana")),
)

GRADE_PERFORMANCE = {
    "A": _("Sangat Baik"),
    "B": _("Baik"),
    "C": _("Kurang Baik"),
    "D": _("Tidak Baik"),
}

_nrr_validators = [MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("4"))]


def _nrr_field(element: int) -> models.DecimalField:
    """The average score (NRR, 1–4) of one of the nine SKM elements."""
    return models.DecimalField(
        f"NRR U{element}",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=_nrr_validators,
    )


class SatisfactionSurveyQuerySet(models.QuerySet):
    def published(self) -> SatisfactionSurveyQuerySet:
        return self.filter(status=SatisfactionSurvey.Status.PUBLISHED)

    def unit_wide(self) -> SatisfactionSurveyQuerySet:
        return self.filter(service__isnull=True)

    def chronological(self) -> SatisfactionSurveyQuerySet:
        return self.order_by("period_end", "period_start", "pk")

    def latest_first(self) -> SatisfactionSurveyQuerySet:
        return self.order_by("-period_end", "-period_start", "-pk")


class SatisfactionSurvey(models.Model):
    """One SKM period of a unit (or of one of its services) and its result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Dipublikasikan")

    class Source(models.TextChoices):
        NONE = "", _("Belum ada data")
        RESPONDENTS = "respondents", _("Data responden")
        AVERAGES = "averages", _("Rata-rata per unsur")

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="satisfaction_surveys",
        verbose_name=_("unit"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("layanan"),
        help_text=_("Kosongkan untuk survei seluruh layanan unit."),
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    period_kind = models.CharField(_("jenis periode"), max_length=10, choices=PeriodKind.choices)
    period_number = models.PositiveSmallIntegerField(
        _("periode ke-"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    period_start = models.DateField(_("awal periode"), editable=False)
    period_end = models.DateField(_("akhir periode"), editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(_("sumber data"), max_length=12, choices=Source.choices, blank=True)
    note = models.TextField(
        _("catatan"), blank=True, help_text=_("Misalnya metode dan waktu pengumpulan data.")
    )

    respondent_count = models.PositiveIntegerField(_("jumlah responden"), default=0)
    population = models.PositiveIntegerField(
        _("populasi penerima layanan"),
        null=True,
        blank=True,
        help_text=_(
            "Jumlah penerima layanan pada periode itu (atau periode sebelumnya); ukuran sampel "
            "minimal dihitung dari angka ini dengan tabel Krejcie–Morgan (PermenPAN-RB 14/2017)."
        ),
    )
    nrr_u1 = _nrr_field(1)
    nrr_u2 = _nrr_field(2)
    nrr_u3 = _nrr_field(3)
    nrr_u4 = _nrr_field(4)
    nrr_u5 = _nrr_field(5)
    nrr_u6 = _nrr_field(6)
    nrr_u7 = _nrr_field(7)
    nrr_u8 = _nrr_field(8)
    nrr_u9 = _nrr_field(9)
    ikm = models.DecimalField(
        _("IKM"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("25")), MaxValueValidator(Decimal("100"))],
    )
    grade = models.CharField(_("mutu pelayanan"), max_length=1, blank=True)

    published_at = models.DateTimeField(_("dipublikasikan"), null=True, blank=True)
    published_by = actor_field(_("dipublikasikan oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords()
    objects = SatisfactionSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survei kepuasan masyarakat")
        verbose_name_plural = _("survei kepuasan masyarakat")
        ordering = ["unit", "-period_end", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "period_kind", "period_number"],
                condition=Q(service__isnull=True),
                name="skm_unit_period_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "service", "year", "period_kind", "period_number"],
                condition=Q(service__isnull=False),
                name="skm_service_period_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_number__gte=1)
                & (
                    Q(period_kind="quarter", period_number__lte=4)
                    | Q(period_kind="semester", period_number__lte=2)
                    | Q(period_kind="year", period_number=1)
                ),
                name="skm_period_number_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(ikm__isnull=False),
                name="skm_published_has_result",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=["", "A", "B", "C", "D"]), name="skm_grade_known"
            ),
        ]

    def __str__(self) -> str:
        scope = self.service.name if self.service_id else str(self.unit)
        return f"SKM {self.period_label} — {scope}"

    def get_absolute_url(self) -> str:
        return reverse(
            "service_standards:survey_detail",
            kwargs={"code": self.unit.code, "survey_id": self.pk},
        )

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return f"{_('Tahun')} {self.year}"
        number = ROMAN.get(self.period_number, self.period_number)
        return f"{PeriodKind(self.period_kind).label} {number} {self.year}"

    @property
    def short_period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return str(self.year)
        prefix = "TW" if self.period_kind == PeriodKind.QUARTER else "Sem"
        return f"{prefix} {ROMAN.get(self.period_number, self.period_number)} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_result(self) -> bool:
        return self.ikm is not None

    @property
    def nrr_values(self) -> list[Decimal | None]:
        return [getattr(self, f"nrr_{code}") for code in skm.ELEMENT_CODES]

    @property
    def elements(self) -> list[dict]:
        """Each element's code, label and NRR, for tables (no query)."""
        return [
            {"code": code.upper(), "label": label, "nrr": getattr(self, f"nrr_{code}")}
            for code, label in ELEMENT_LABELS
        ]

    @property
    def performance(self) -> str:
        return str(GRADE_PERFORMANCE.get(self.grade, ""))

    @property
    def minimum_sample(self) -> int | None:
        """Respondents the population needs (Krejcie–Morgan); None without a population."""
        return None if self.population is None else skm.sample_size(self.population)

    @property
    def sample_warning(self) -> str:
        """Why the sample may be too small to publish, or "" when it is large enough. No query."""
        if not self.has_result:
            return ""
        if self.population is None:
            return str(
                _(
                    "Populasi penerima layanan belum diisi, sehingga kecukupan sampel tidak "
                    "dapat diperiksa (PermenPAN-RB 14/2017 menentukan sampel dari populasi)."
                )
            )
        if self.respondent_count < self.minimum_sample:
            return str(
                _(
                    "%(count)d responden kurang dari sampel minimal %(minimum)d untuk populasi "
                    "%(population)s (tabel Krejcie–Morgan, PermenPAN-RB 14/2017); mutu pelayanan "
                    "dari sampel ini belum mewakili."
                )
                % {
                    "count": self.respondent_count,
                    "minimum": self.minimum_sample,
                    "population": self.population,
                }
            )
        return ""

    @property
    def ikm_rounded_weight(self) -> Decimal | None:
        """The index a spreadsheet weighting each element 0,111 would show. No query."""
        values = self.nrr_values
        if any(value is None for value in values):
            return None
        return skm.ikm_with_rounded_weight(values)

    @property
    def grade_rounded_weight(self) -> str:
        ikm = self.ikm_rounded_weight
        return "" if ikm is None else skm.band_for(ikm).grade

    def clean(self) -> None:
        super().clean()
        if self.period_kind and self.period_number:
            if self.period_number > PERIODS_PER_YEAR.get(self.period_kind, 0):
                raise ValidationError(
                    {"period_number": _("Nomor periode tidak sesuai dengan jenis periode.")}
                )
            if self.year:
                self.period_start, self.period_end = period_bounds(
                    self.period_kind, self.period_number, self.year
                )


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Respondent(models.Model):
    """One respondent's answers (U1…U9 on 1–4) and optional demographics."""

    survey = models.ForeignKey(
        SatisfactionSurvey,
        on_delete=models.CASCADE,
        related_name="respondents",
        verbose_name=_("survei"),
    )
    row_number = models.PositiveIntegerField(_("baris"))
    # Blank where the respondent did not answer the element (averaged over the answers given).
    u1 = models.PositiveSmallIntegerField("U1", null=True, blank=True)
    u2 = models.PositiveSmallIntegerField("U2", null=True, blank=True)
    u3 = models.PositiveSmallIntegerField("U3", null=True, blank=True)
    u4 = models.PositiveSmallIntegerField("U4", null=True, blank=True)
    u5 = models.PositiveSmallIntegerField("U5", null=True, blank=True)
    u6 = models.PositiveSmallIntegerField("U6", null=True, blank=True)
    u7 = models.PositiveSmallIntegerField("U7", null=True, blank=True)
    u8 = models.PositiveSmallIntegerField("U8", null=True, blank=True)
    u9 = models.PositiveSmallIntegerField("U9", null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("umur"), null=True, blank=True)
    education = models.CharField(_("pendidikan"), max_length=60, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    service_used = models.CharField(_("layanan yang diterima"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("responden SKM")
        verbose_name_plural = _("responden SKM")
        ordering = ["survey", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "row_number"], name="respondent_row_unique"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{code}__isnull": True})
                    | Q(**{f"{code}__gte": 1, f"{code}__lte": 4}),
                    name=f"respondent_{code}_1_to_4",
                )
                for code in skm.ELEMENT_CODES
            ],
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {_('responden')} {self.row_number}"

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(getattr(self, code) for code in skm.ELEMENT_CODES)
