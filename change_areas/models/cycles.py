"""Evaluation cycles: one unit × one framework × one year × one target predicate.

A cycle carries the answers of every layer side by side (the unit's own
self-assessment, the optional pre-assessment, the TPI's and the TPN's), none
overwriting another, and the summary figures of each layer's scorecard so
dashboards never recompute scorecards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Framework, Predicate, Question
from lib.dates import plausible_date
from units.models import Unit


class Stage(models.TextChoices):
    """The life of a unit's programme in one year (DESIGN §1)."""

    PEMBANGUNAN = "pembangunan", _("Pembangunan")
    # Stored value kept from before 5/2024 gave "mandiri" its own meaning (evaluasi
    # Menuju WBK secara mandiri by an instansi); the unit's own layer is "penilaian unit".
    PENILAIAN_MANDIRI = "penilaian_mandiri", _("Penilaian unit")
    PENILAIAN_PENDAHULUAN = "penilaian_pendahuluan", _("Penilaian pendahuluan")
    EVALUASI_TPI = "evaluasi_tpi", _("Evaluasi TPI")
    PENGUSULAN = "pengusulan", _("Menunggu pengusulan ke TPN")
    EVALUASI_TPN = "evaluasi_tpn", _("Evaluasi TPN")
    KEPUTUSAN = "keputusan", _("Keputusan")


STAGE_ORDER = list(Stage.values)

# What the dashboards read of every cycle (portfolio rows, roll-ups, histograms, the
# spreadsheet), after the year, framework and unit they filter on. The index
# `cycle_dashboard_cover` holds exactly these, so the dashboards never read the table.
DASHBOARD_COLUMNS = (
    "stage",
    "target",
    "self_total",
    "self_completeness",
    "self_wbk_eligible",
    "self_wbbm_eligible",
    "tpi_total",
    "tpi_completeness",
    "tpi_wbk_eligible",
    "tpi_wbbm_eligible",
    "tpn_total",
    "work_plan_percent",
)


class Layer(models.TextChoices):
    """Who answered: the unit, the pre-assessor, the TPI, the TPN."""

    SELF = "self", _("Penilaian unit")
    PRE = "pre", _("Penilaian pendahuluan")
    TPI = "tpi", _("Penilaian TPI")
    TPN = "tpn", _("Penilaian TPN")


# When a layer's figures count as that layer's judgement (DESIGN §5: "a TPI score is
# the TPI's, once given"): the unit's own at once; a reviewer layer — prefilled
# with a copy of the layer before it when its review opens — only once its
# reviewers have finalised it. Until then dashboards, calibration, the registry
# and exports leave it out, and pages say the review is under way. The stored
# dashboard columns (`tpi_total`, …) and `CycleAreaScore` rows of a layer are
# written only once it counts (`services.cycle_refresh_summary`); readers of raw
# answers filter with `counted_layer`.
LAYER_FINAL_FIELD: dict[str, str | None] = {
    "self": None,
    "pre": "pre_passed_at",
    "tpi": "tpi_finalised_at",
    "tpn": "decided_at",
}


def counted_layer(layer: str, prefix: str = "") -> Q:
    """The cycles whose `layer` counts (see LAYER_FINAL_FIELD); `prefix` reaches the cycle
    from another model ("cycle__"). Q() for the unit's own layer."""
    field = LAYER_FINAL_FIELD[layer]
    return Q(**{f"{prefix}{field}__isnull": False}) if field else Q()


def counted_rows(prefix: str = "cycle__", layer_field: str = "layer") -> Q:
    """Rows of any layer (answers, area scores) whose layer counts on their cycle."""
    condition = Q(pk__in=[])
    for layer in LAYER_FINAL_FIELD:
        condition |= Q(**{layer_field: layer}) & counted_layer(layer, prefix)
    return condition


# A layer's name where space is short (a column, a label beside a figure).
LAYER_SHORT_LABELS = {
    "self": pgettext_lazy("layer", "Unit"),
    "pre": _("Pendahuluan"),
    "tpi": _("TPI"),
    "tpn": _("TPN"),
}


class Decision(models.TextChoices):
    AWARDED = "diberikan", _("Predikat diberikan")
    NOT_AWARDED = "tidak_diberikan", _("Predikat tidak diberikan")


class DecisionRoute(models.TextChoices):
    """Who set the predicate, on what evaluation."""

    TPN = "tpn", _("Keputusan Menteri atas evaluasi TPN")
    MANDIRI = "mandiri", _("Evaluasi Menuju WBK secara mandiri oleh instansi (PermenPAN-RB 5/2024)")
    PIMPINAN = "pimpinan", _("Penetapan pimpinan instansi (PermenPAN-RB 52/2014)")


class Campaign(models.Model):
    """One framework and year opened for every unit in a subtree at once, with windows."""

    name = models.CharField(_("nama"), max_length=200)
    root = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("unit induk"),
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("kerangka")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    fill_opens = models.DateField(_("pengisian dibuka"), validators=[plausible_date])
    fill_closes = models.DateField(_("pengisian ditutup"), validators=[plausible_date])
    review_opens = models.DateField(_("penilaian TPI dibuka"), validators=[plausible_date])
    review_closes = models.DateField(_("penilaian TPI ditutup"), validators=[plausible_date])
    tpn_opens = models.DateField(
        _("evaluasi TPN dibuka"), null=True, blank=True, validators=[plausible_date]
    )
    tpn_closes = models.DateField(
        _("evaluasi TPN ditutup"), null=True, blank=True, validators=[plausible_date]
    )
    pre_assessment = models.BooleanField(
        _("dengan penilaian pendahuluan"),
        default=False,
        help_text=_("Unit provinsi/eselon I menilai lebih dahulu sebelum TPI."),
    )
    proposal_closes = models.DateField(
        _("batas pengusulan ke TPN"),
        null=True,
        blank=True,
        help_text=_("31 Mei tahun kampanye kecuali TPN menetapkan lain (PermenPAN-RB 5/2024)."),
        validators=[plausible_date],
    )
    proposal_extension = models.TextField(
        _("dasar perpanjangan batas pengusulan"),
        blank=True,
        help_text=_("Misalnya nomor surat TPN yang menetapkan waktu lain."),
    )
    early_review = models.BooleanField(
        _("ajukan lebih awal, dinilai lebih awal"),
        default=False,
        help_text=_(
            "Penilaian unit yang sudah diajukan langsung dapat dinilai TPI, tanpa menunggu "
            "tanggal pembukaan penilaian TPI."
        ),
    )
    coordinators_invite = models.BooleanField(
        _("koordinator boleh mengundang orang baru"),
        default=False,
        help_text=_(
            "Koordinator unit peserta dapat mengundang anggota tim yang belum memiliki akun; "
            "tanpa ini hanya admin unit yang mengundang."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kampanye penilaian")
        verbose_name_plural = _("kampanye penilaian")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fill_closes__gte=models.F("fill_opens")),
                name="campaign_fill_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(review_closes__gte=models.F("review_opens")),
                name="campaign_review_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("change_areas:campaign_detail", kwargs={"pk": self.pk})

    @property
    def proposal_deadline(self) -> datetime.date:
        """31 May of the campaign's year unless the owner recorded another date. No query."""
        return self.proposal_closes or default_proposal_deadline(self.year)

    def windows(self) -> list[WindowDates]:
        """Each window with its dates on this campaign. No query."""
        return [window.dates_of(self) for window in WINDOWS.values()]


class CycleQuerySet(models.QuerySet):
    def for_unit(self, unit) -> CycleQuerySet:
        return self.filter(unit=unit)

    def in_subtree_of(self, unit) -> CycleQuerySet:
        return self.filter(unit__path__startswith=unit.path)

    def visible_to(self, user) -> CycleQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(unit__in=Unit.objects.visible_to(user))


class Cycle(models.Model):
    """A unit's Zona Integritas programme for one year under one framework."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="cycles", verbose_name=_("unit")
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("kerangka LKE")
    )
    work_plan_framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="work_plan_cycles",
        verbose_name=_("kerangka rencana kerja"),
        help_text=_("Area LKE atau delapan area perubahan RB."),
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )
    target = models.CharField(
        _("target predikat"), max_length=10, choices=Predicate.choices, default=Predicate.WBK
    )
    stage = models.CharField(
        _("tahap"), max_length=30, choices=Stage.choices, default=Stage.PEMBANGUNAN
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("kampanye"),
    )
    fill_opens = models.DateField(
        _("pengisian dibuka"), null=True, blank=True, validators=[plausible_date]
    )
    fill_closes = models.DateField(
        _("pengisian ditutup"), null=True, blank=True, validators=[plausible_date]
    )
    review_opens = models.DateField(
        _("penilaian TPI dibuka"), null=True, blank=True, validators=[plausible_date]
    )
    review_closes = models.DateField(
        _("penilaian TPI ditutup"), null=True, blank=True, validators=[plausible_date]
    )
    proposal_closes = models.DateField(
        _("batas pengusulan ke TPN"), null=True, blank=True, validators=[plausible_date]
    )
    tpn_opens = models.DateField(
        _("evaluasi TPN dibuka"), null=True, blank=True, validators=[plausible_date]
    )
    tpn_closes = models.DateField(
        _("evaluasi TPN ditutup"), null=True, blank=True, validators=[plausible_date]
    )
    pre_assessment = models.BooleanField(_("dengan penilaian pendahuluan"), default=False)
    early_review = models.BooleanField(
        _("ajukan lebih awal, dinilai lebih awal"),
        default=False,
        help_text=_("Setelah diajukan, TPI dapat menilai tanpa menunggu pembukaan penilaian TPI."),
    )
    submitted_at = models.DateTimeField(_("diajukan ke TPI"), null=True, blank=True)
    # The reviewer layer whose returned questions the unit has open now ("" when none).
    revision_layer = models.CharField(
        _("dikembalikan oleh lapis"), max_length=10, choices=Layer.choices, blank=True
    )
    pre_passed_at = models.DateTimeField(_("lulus penilaian pendahuluan"), null=True, blank=True)
    tpi_finalised_at = models.DateTimeField(_("penilaian TPI final"), null=True, blank=True)
    proposal = models.ForeignKey(
        "change_areas.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("surat usulan"),
    )
    decision = models.CharField(_("keputusan"), max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    # Scorecard summaries per layer, stored whenever an answer changes (same transaction).
    self_total = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal(0))
    self_completeness = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal(0))
    self_wbk_eligible = models.BooleanField(default=False)
    self_wbbm_eligible = models.BooleanField(default=False)
    tpi_total = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    tpi_completeness = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    tpi_wbk_eligible = models.BooleanField(null=True, blank=True)
    tpi_wbbm_eligible = models.BooleanField(null=True, blank=True)
    tpn_total = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    tpn_completeness = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    tpn_wbk_eligible = models.BooleanField(null=True, blank=True)
    tpn_wbbm_eligible = models.BooleanField(null=True, blank=True)
    summaries = models.JSONField(
        _("ringkasan nilai per lapis"),
        default=dict,
        blank=True,
        help_text=_("Nilai per komponen, area dan bagian, kelengkapan dan kelayakan, per lapis."),
    )
    work_plan_percent = models.DecimalField(
        _("kemajuan rencana kerja (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    # What this cycle last added to its ancestors' tallies (change_areas.tallies): the
    # dashboards' figures ("branch") and the calibration pairs of finished layers ("pairs").
    tallied = models.JSONField(default=dict, blank=True, editable=False)
    # Recommendations not done yet, per layer ({"tpi": 2}), kept by the follow-up services
    # (change_areas.services.followups) so the tallies can count them without a query.
    open_recommendations = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["summaries", "tallied", "open_recommendations"])
    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("siklus evaluasi")
        verbose_name_plural = _("siklus evaluasi")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "framework", "year"], name="cycle_one_per_unit_framework_year"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "stage"]),
            # Covers the dashboards' reads (portfolio rows, roll-ups, histograms): on SQLite
            # the wide `summaries` column sits between these fields in the row, so reading
            # them from the table follows its overflow pages; the index avoids the table.
            models.Index(
                fields=["year", "framework", "unit", *DASHBOARD_COLUMNS],
                name="cycle_dashboard_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.year} ({self.get_target_display()})"

    def get_absolute_url(self) -> str:
        return reverse("change_areas:cycle_overview", kwargs={"pk": self.pk})

    def summary(self, layer: str) -> dict:
        """The stored scorecard summary of a layer ({} before any answer). No query.

        A reviewer layer's summary is its working state (its reviewers' pages show
        it as provisional); what other readers show comes from `counted_summary`.
        """
        return (self.summaries or {}).get(layer, {})

    @property
    def proposal_deadline(self) -> datetime.date:
        """The last day a proposal to the TPN may be dated: 31 May unless set otherwise. No query."""
        return self.proposal_closes or default_proposal_deadline(self.year)

    def windows(self) -> list[WindowDates]:
        """Each window with its dates on this cycle. No query."""
        return [window.dates_of(self) for window in WINDOWS.values()]

    def layer_counts(self, layer: str) -> bool:
        """Whether the layer's figures count as its judgement (LAYER_FINAL_FIELD). No query."""
        field = LAYER_FINAL_FIELD[layer]
        return field is None or getattr(self, field) is not None

    def counted_summary(self, layer: str) -> dict:
        """The layer's summary once it counts, else {}. No query."""
        return self.summary(layer) if self.layer_counts(layer) else {}


def default_proposal_deadline(year: int) -> datetime.date:
    """PermenPAN-RB 5/2024 Lampiran II Bab II: "paling lambat pada tanggal 31 Mei" each year."""
    return datetime.date(year, 5, 31)


# --------------------------------------------------------------------------
# Windows: the date ranges in which a layer may be worked on. Campaigns and cycles carry
# the same fields; a campaign's dates are copied to its cycles, and one unit's cycle may
# have its own (an extension, recorded with its reason). A window is a key here, so more
# (a proposal deadline) can be added as data.


@dataclass(frozen=True)
class Window:
    key: str
    label: str | Promise
    layer: str | None  # the layer of answers the window opens (None: not a layer's window)
    opens_field: str
    closes_field: str

    def dates_of(self, obj) -> WindowDates:
        return WindowDates(self, getattr(obj, self.opens_field), getattr(obj, self.closes_field))


@dataclass(frozen=True)
class WindowDates:
    window: Window
    opens: datetime.date | None
    closes: datetime.date | None


WINDOWS: dict[str, Window] = {
    window.key: window
    for window in (
        Window("fill", _("Penilaian unit"), "self", "fill_opens", "fill_closes"),
        Window("review", _("Penilaian TPI"), "tpi", "review_opens", "review_closes"),
        Window("tpn", _("Evaluasi TPN"), "tpn", "tpn_opens", "tpn_closes"),
    )
}
WINDOW_OF_LAYER: dict[str, Window] = {w.layer: w for w in WINDOWS.values() if w.layer}


EVENT_LABELS = {
    "cycle_open": _("Siklus dibuka"),
    "window_change": _("Jadwal diubah"),
    "self_assessment_start": _("Penilaian unit dimulai"),
    "submit": _("Penilaian unit diajukan untuk dinilai"),
    "return": _("Pertanyaan dikembalikan kepada unit untuk perbaikan"),
    "resubmit": _("Perbaikan diajukan kembali"),
    "pass_pre": _("Lulus penilaian pendahuluan"),
    "finalise_tpi": _("Penilaian TPI difinalkan"),
    "propose": _("Diusulkan ke TPN"),
    "decide": _("Keputusan TPN dicatat"),
    "award": _("Predikat ditetapkan atas evaluasi TPN"),
    "decline": _("Predikat tidak diberikan"),
    "set_by_instansi": _("Menuju WBK ditetapkan oleh instansi"),
    "revoke": _("Predikat dicabut"),
}


class CycleEvent(models.Model):
    """A step in the cycle's timeline: opened, stage changes, submissions, decisions."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="events", verbose_name=_("siklus")
    )
    action = models.CharField(_("tindakan"), max_length=60)
    stage_before = models.CharField(_("tahap sebelum"), max_length=30, blank=True)
    stage_after = models.CharField(_("tahap sesudah"), max_length=30, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("peristiwa siklus")
        verbose_name_plural = _("peristiwa siklus")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Answer(models.Model):
    """One layer's answer to one question of a cycle.

    `option` holds the chosen key (Ya, A, …); `number` a percentage or a
    survey index; `inputs` the counts of a percentage question
    ({"n1": 12, "n2": 9}). `value` is the computed 0..1 value, kept for
    reports; scorecards recompute it from the catalog.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="answers", verbose_name=_("siklus")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("pertanyaan")
    )
    layer = models.CharField(_("lapis"), max_length=10, choices=Layer.choices)
    option = models.CharField(_("pilihan"), max_length=10, blank=True)
    number = models.DecimalField(_("angka"), max_digits=9, decimal_places=4, null=True, blank=True)
    inputs = models.JSONField(_("isian jumlah"), default=dict, blank=True)
    value = models.DecimalField(_("nilai"), max_digits=6, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    evidence = models.ManyToManyField(
        "change_areas.Evidence", blank=True, related_name="answers", verbose_name=_("bukti dukung")
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "question", "layer"], name="answer_one_per_question_and_layer"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "layer"])]

    def __str__(self) -> str:
        return f"{self.cycle} {self.question.code} [{self.layer}]"

    @property
    def is_answered(self) -> bool:
        return self.value is not None


class CycleAreaScore(models.Model):
    """One area's value in one layer of a cycle, stored with the cycle's summary.

    The same figures as `Cycle.summaries`, as rows, so dashboards and the
    calibration can average and compare areas across thousands of units in SQL.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="area_scores")
    layer = models.CharField(max_length=10, choices=Layer.choices)
    area_code = models.CharField(max_length=80)
    value = models.DecimalField(max_digits=8, decimal_places=4)
    weight = models.DecimalField(max_digits=7, decimal_places=3)
    answered = models.PositiveSmallIntegerField(default=0)
    questions = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("nilai area siklus")
        verbose_name_plural = _("nilai area siklus")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "layer", "area_code"], name="area_score_once")
        ]
        indexes = [
            models.Index(fields=["layer", "area_code"]),
            # Averages per area over thousands of cycles read only the index.
            models.Index(
                fields=["cycle", "layer", "area_code", "value", "weight"], name="area_score_cover"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.layer} {self.area_code} {self.value}"
