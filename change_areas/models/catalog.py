"""Regulation catalogs: frameworks, components, change areas, LKE indicators
and questions, thresholds and proposal prerequisites.

Catalog rows are data, loaded from the YAML files in `catalogs/` by
`python manage.py load_catalogs` and editable in the admin. Weights, option
values, percentage rules and thresholds live here, never in code.
Every catalog row is identified by `(framework, code)`; the codes are the
keys other installations exchange LKE files by.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas import expressions


class Predicate(models.TextChoices):
    WBK = "wbk", _("Menuju WBK")
    WBBM = "wbbm", _("Menuju WBBM")


class FrameworkKind(models.TextChoices):
    LKE = "lke", _("LKE: penilaian Zona Integritas")
    WORK_PLAN = "work_plan", _("Area perubahan untuk rencana kerja (tanpa LKE)")


class InstansiSetsWbk(models.TextChoices):
    """Who may set Menuju WBK besides the Menteri on the TPN's evaluation."""

    NO = "", _("Hanya Menteri atas evaluasi TPN")
    DESIGNATED = (
        "designated",
        _("Instansi yang ditetapkan Menteri (evaluasi mandiri, PermenPAN-RB 5/2024)"),
    )
    ALWAYS = "always", _("Pimpinan instansi (PermenPAN-RB 52/2014)")


class FrameworkQuerySet(models.QuerySet):
    def with_lke(self) -> FrameworkQuerySet:
        return self.filter(kind=FrameworkKind.LKE, is_active=True)

    def for_work_plans(self) -> FrameworkQuerySet:
        """Every active framework can carry a work plan: LKE areas or the eight RB areas."""
        return self.filter(is_active=True)

    def current(self) -> Framework | None:
        """The framework new cycles use when none is named."""
        return self.with_lke().filter(is_current=True).order_by("-version").first()


class Framework(models.Model):
    """One regulation edition, e.g. PermenPAN-RB 90/2021 with its full LKE."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    short_name = models.CharField(_("nama singkat"), max_length=60)
    regulation = models.TextField(_("dasar hukum"), blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=FrameworkKind.choices)
    description = models.TextField(_("keterangan"), blank=True)
    version = models.PositiveIntegerField(_("versi katalog"), default=1)
    source_sha256 = models.CharField(_("SHA-256 berkas sumber"), max_length=64, blank=True)
    source_data = models.JSONField(
        _("isi berkas sumber terakhir"),
        default=dict,
        blank=True,
        help_text=_("Isi katalog yang terakhir dimuat, untuk membandingkan versi berikutnya."),
    )
    loaded_at = models.DateTimeField(_("dimuat"), null=True, blank=True)
    is_current = models.BooleanField(
        _("kerangka berlaku"),
        default=False,
        help_text=_("Dipakai untuk siklus baru bila kerangka tidak disebutkan."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("menggantikan versi"),
        help_text=_("Versi LKE sebelumnya dari regulasi yang sama."),
    )
    code_map = models.JSONField(
        _("peta kode"),
        default=dict,
        blank=True,
        help_text=_(
            "Kode butir versi sebelumnya yang berganti kode di versi ini: {kode lama: kode baru}."
        ),
    )
    answer_scales = models.JSONField(
        _("skala jawaban"),
        default=dict,
        blank=True,
        help_text=_(
            "Skala jawaban yang dinyatakan katalog: pilihan dan nilainya, atau rentang angka."
        ),
    )
    threshold_kinds = models.JSONField(
        _("jenis nilai ambang"),
        default=dict,
        blank=True,
        help_text=_("Jenis aturan nilai ambang yang dinyatakan katalog di samping jenis bawaan."),
    )
    wbk_set_by_instansi = models.CharField(
        _("Menuju WBK dapat ditetapkan instansi"),
        max_length=20,
        choices=InstansiSetsWbk.choices,
        blank=True,
    )
    # A new random value on every write to the catalog's rows (`catalog_changed`): the scoring
    # engine's copy of the catalog is kept in memory per (framework, revision). Random, not a
    # counter, so a rolled-back edit can never bring back a revision already seen.
    catalog_revision = models.UUIDField(_("revisi katalog"), default=uuid.uuid4, editable=False)

    history = HistoricalRecords(excluded_fields=["source_data", "catalog_revision"])
    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("kerangka regulasi")
        verbose_name_plural = _("kerangka regulasi")
        ordering = ["-is_current", "code"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs) -> None:
        # The engine reads catalog data kept on the framework itself too (threshold kinds),
        # so every save of the framework is a new catalog revision.
        self.catalog_revision = uuid.uuid4()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "catalog_revision"}
        super().save(*args, **kwargs)

    @property
    def has_lke(self) -> bool:
        return self.kind == FrameworkKind.LKE

    def lineage(self) -> list[Framework]:
        """This version and the versions it supersedes, newest first. One query a step."""
        versions, seen, current = [], set(), self
        while current is not None and current.pk not in seen:
            versions.append(current)
            seen.add(current.pk)
            current = current.supersedes
        return versions


def catalog_changed(sender, instance, **kwargs) -> None:
    """A catalog row was saved or deleted: its framework's catalog gets a new revision.

    Connected to every CatalogItem model's post_save and post_delete (ChangeAreasConfig.ready),
    so the admin, imports and `load_catalogs` all invalidate the cached catalog.
    """
    Framework.objects.filter(pk=instance.framework_id).update(catalog_revision=uuid.uuid4())


class CatalogItem(models.Model):
    """Fields every catalog row shares."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="+", verbose_name=_("kerangka")
    )
    code = models.CharField(_("kode"), max_length=80)
    order = models.PositiveIntegerField(_("urutan"), default=0)
    note = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_(
            "Butir yang dihapus dari katalog tetapi masih dirujuk data lama dinonaktifkan."
        ),
    )

    class Meta:
        abstract = True
        ordering = ["framework", "order", "code"]

    def __str__(self) -> str:
        return self.code


def _unique_code(model_name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["framework", "code"], name=f"{model_name}_unique_code_per_framework"
    )


class ComponentKind(models.TextChoices):
    PENGUNGKIT = "pengungkit", _("Pengungkit")  # the enablers: the six change areas
    HASIL = "hasil", _("Hasil")  # the results: surveys and performance


class Component(CatalogItem):
    """Pengungkit (the enablers, 60) or Hasil (the results, 40)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="components", verbose_name=_("kerangka")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=ComponentKind.choices)
    name = models.CharField(_("nama"), max_length=255)
    weight = models.DecimalField(_("bobot"), max_digits=7, decimal_places=3)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("komponen")
        verbose_name_plural = _("komponen")
        constraints = [_unique_code("component")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Area(CatalogItem):
    """A change area (area perubahan) of Pengungkit, or a sub-component of Hasil.

    In the eight-area Reformasi Birokrasi framework an area has no component
    and no weight: it only groups work-plan items.
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="areas", verbose_name=_("kerangka")
    )
    component = models.ForeignKey(
        Component,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="areas",
        verbose_name=_("komponen"),
    )
    short_name = models.CharField(_("singkatan"), max_length=20, blank=True)
    name = models.CharField(_("nama"), max_length=255)
    description = models.TextField(_("keterangan"), blank=True)
    weight = models.DecimalField(_("bobot"), max_digits=7, decimal_places=3, null=True, blank=True)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("area")
        constraints = [_unique_code("area")]

    def __str__(self) -> str:
        return self.name


class PartKind(models.TextChoices):
    PEMENUHAN = "pemenuhan", _("Pemenuhan")  # fulfilment: the questions carried over
    REFORM = "reform", _("Reform")  # reform: what changed in the area


class Part(CatalogItem):
    """Half of an area under 90/2021: pemenuhan (fulfilment) or reform."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="parts", verbose_name=_("kerangka")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="parts", verbose_name=_("area")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=PartKind.choices)
    name = models.CharField(_("nama"), max_length=100)
    weight = models.DecimalField(_("bobot"), max_digits=7, decimal_places=3)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("bagian area")
        verbose_name_plural = _("bagian area")
        constraints = [_unique_code("part")]


class Indicator(CatalogItem):
    """An LKE indicator: its value is the mean of its question values × its weight.

    An indicator without questions adds up its sub-indicators instead (the
    LHKPN + LHKASN block of 90/2021).
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("kerangka")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("area")
    )
    part = models.ForeignKey(
        Part,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("bagian"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("indikator induk"),
    )
    number = models.CharField(_("nomor resmi"), max_length=20, blank=True)
    name = models.CharField(_("nama"), max_length=255)
    weight = models.DecimalField(_("bobot"), max_digits=7, decimal_places=3)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        constraints = [_unique_code("indicator")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AnswerType(models.TextChoices):
    """The answer types every catalog knows; a catalog may declare more (`answer_types:`)."""

    YA_TIDAK = "ya_tidak", _("Ya/Tidak")
    ABC = "abc", _("A/B/C")
    ABCD = "abcd", _("A/B/C/D")
    ABCDE = "abcde", _("A/B/C/D/E")
    PERSEN = "persen", _("Persentase dihitung dari isian jumlah")
    PERSENTASE = "persentase", _("Persentase diisi langsung (0–100)")
    NILAI_0_4 = "nilai_0_4", _("Nilai survei (0–4)")


OPTION_ANSWER_TYPES = frozenset(
    {AnswerType.YA_TIDAK, AnswerType.ABC, AnswerType.ABCD, AnswerType.ABCDE}
)
# Answer types with a number on a fixed range, valid in every catalog: (min, max).
NUMBER_ANSWER_TYPES = {AnswerType.PERSENTASE: (0, 100), AnswerType.NILAI_0_4: (0, 4)}


class Question(CatalogItem):
    """A scored LKE question.

    Option questions (any scale the catalog declares) take their value from
    their options; `persen` questions compute it from their count inputs with
    `value_rule` (an expression, `change_areas.expressions`); number questions
    take a number on their range (`number_min`..`number_max`: ÷ 100 for a
    percentage, ÷ 4 for a survey index).
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="questions", verbose_name=_("kerangka")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="questions", verbose_name=_("indikator")
    )
    number = models.CharField(_("nomor resmi"), max_length=20, blank=True)
    text = models.TextField(_("pertanyaan"))
    criterion = models.TextField(_("kriteria"), blank=True)
    answer_type = models.CharField(
        _("jenis jawaban"),
        max_length=30,
        help_text=_("Jenis bawaan (ya_tidak, abc, abcd, abcde, persen, …) atau skala katalog."),
    )
    weight = models.DecimalField(
        _("bobot dalam indikator"),
        max_digits=7,
        decimal_places=3,
        default=Decimal(1),
        help_text=_("Nilai indikator = rata-rata nilai pertanyaan tertimbang bobot ini × bobot."),
    )
    number_min = models.DecimalField(
        _("angka terendah"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("angka tertinggi"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    value_rule = models.JSONField(
        _("aturan nilai"),
        default=dict,
        blank=True,
        help_text=_(
            'Untuk jenis persentase dari isian, misalnya {"kind": "expression", '
            '"expression": "0 if n1 == 0 else min(1, n2 / n1)"}.'
        ),
    )

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("pertanyaan LKE")
        verbose_name_plural = _("pertanyaan LKE")
        constraints = [_unique_code("question")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def has_options(self) -> bool:
        return self.answer_type != AnswerType.PERSEN and not self.is_number

    @property
    def is_number(self) -> bool:
        return self.number_max is not None

    @property
    def number_label(self) -> str:
        """The label of a number answer's field: its type's name, or its range."""
        if self.answer_type in NUMBER_ANSWER_TYPES:
            return str(AnswerType(self.answer_type).label)
        return _("Nilai (%(low)s–%(high)s)") % {
            "low": _plain(self.number_min),
            "high": _plain(self.number_max),
        }

    def clean(self) -> None:
        """A rule an admin edits must stay within the expression language and name real inputs."""
        super().clean()
        if self.answer_type == AnswerType.PERSEN and self.pk:
            keys = set(self.inputs.values_list("key", flat=True))
            try:
                problems = expressions.check(expressions.preset(self.value_rule or {}), keys)
            except (expressions.ExpressionError, KeyError) as error:
                problems = [str(error)]
            limits = (self.value_rule or {}).get("limits") or {}
            if not isinstance(limits, dict):
                problems.append(_("batas (limits) harus memetakan isian ke isian lain"))
            else:
                problems += [
                    _("batas %(key)s: %(at_most)s harus menyebut isian pertanyaan ini")
                    % {"key": key, "at_most": at_most}
                    for key, at_most in limits.items()
                    if str(key) not in keys or str(at_most) not in keys
                ]
            if problems:
                raise ValidationError({"value_rule": problems})


def _plain(value) -> str:
    number = Decimal(value or 0).normalize()
    return format(number, "f")


class QuestionOption(CatalogItem):
    """One answer a question allows (Ya, A, B, …), its value 0..1 and its criterion."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("pertanyaan")
    )
    key = models.CharField(_("pilihan"), max_length=10)
    value = models.DecimalField(_("nilai"), max_digits=6, decimal_places=4)
    criterion = models.TextField(_("kriteria"), blank=True)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        constraints = [
            _unique_code("questionoption"),
            models.UniqueConstraint(fields=["question", "key"], name="option_unique_key"),
            models.CheckConstraint(
                condition=models.Q(value__gte=Decimal(0), value__lte=Decimal(1)),
                name="option_value_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} {self.key}"


class QuestionInput(CatalogItem):
    """A count (jumlah) a percentage question is computed from.

    `computed` marks an input the LKE derives from others, e.g.
    {"sum": ["n2", "n3", "n4"]}; users do not type it.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="inputs", verbose_name=_("pertanyaan")
    )
    key = models.CharField(_("kunci"), max_length=20)
    label = models.CharField(_("label"), max_length=255)
    computed = models.JSONField(_("dihitung dari"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("isian jumlah")
        verbose_name_plural = _("isian jumlah")
        constraints = [
            _unique_code("questioninput"),
            models.UniqueConstraint(fields=["question", "key"], name="input_unique_key"),
        ]


class ThresholdKind(models.TextChoices):
    """The threshold kinds every catalog knows; a catalog may declare more (`threshold_kinds:`)."""

    MIN_TOTAL = "min_total", _("Nilai total minimal")
    MIN_NODE = "min_node", _("Nilai minimal komponen/area/indikator")
    MIN_AREA_SHARE = "min_area_share", _("Persentase minimal setiap area")
    REQUIRES_PREDICATE = "requires_predicate", _("Predikat yang harus sudah dimiliki")


class ThresholdScope(models.TextChoices):
    AREA = "area", _("Area secara utuh (pemenuhan + reform)")
    PART = "part", _("Setiap bagian (pemenuhan dan reform masing-masing)")


class ThresholdRule(CatalogItem):
    """One rule of the nilai ambang a unit must meet for a predicate."""

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="threshold_rules",
        verbose_name=_("kerangka"),
    )
    predicate = models.CharField(_("predikat"), max_length=10, choices=Predicate.choices)
    kind = models.CharField(
        _("jenis"),
        max_length=40,
        help_text=_("Jenis bawaan (min_total, min_node, …) atau jenis yang dinyatakan katalog."),
    )
    target = models.CharField(
        _("sasaran"),
        max_length=80,
        blank=True,
        help_text=_("Kode komponen/area/indikator, atau predikat yang disyaratkan."),
    )
    minimum = models.DecimalField(
        _("minimal"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Nilai minimal; untuk persentase area ditulis sebagai pecahan (0,60)."),
    )
    scope = models.CharField(
        _("cakupan"), max_length=10, choices=ThresholdScope.choices, blank=True
    )
    label = models.CharField(_("label"), max_length=255)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("nilai ambang")
        verbose_name_plural = _("nilai ambang")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "predicate", "code"], name="threshold_unique_code"
            ),
        ]


class PrerequisiteLevel(models.TextChoices):
    INSTANSI = "instansi", _("Instansi")
    UNIT = "unit", _("Unit kerja")


class PrerequisiteValueType(models.TextChoices):
    GRADE = "grade", _("Peringkat (dari daftar)")
    PERCENT = "percent", _("Persentase")
    BOOLEAN = "boolean", _("Ya/Tidak")
    YEARS = "years", _("Lama (tahun)")


class PrerequisiteSource(models.TextChoices):
    MANUAL = "manual", _("Diisi oleh admin/koordinator")
    BUILDING_YEARS = "building_years", _("Dihitung: lama membangun ZI sejak pencanangan")
    REVOCATION_FREE_YEARS = (
        "revocation_free_years",
        _("Dihitung: tahun sejak pencabutan predikat terakhir"),
    )


class Prerequisite(CatalogItem):
    """A proposal prerequisite (syarat pengusulan), separate from the score thresholds.

    `grades` lists the possible values from best to worst; `requirement`
    maps a predicate to the minimum per instansi type, e.g.
    {"wbk": {"kl": "B", "pemda": "CC"}, "wbbm": {"*": "BB"}}.
    """

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="prerequisites",
        verbose_name=_("kerangka"),
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=PrerequisiteLevel.choices)
    name = models.CharField(_("nama"), max_length=255)
    description = models.TextField(_("keterangan"), blank=True)
    value_type = models.CharField(
        _("jenis isian"), max_length=10, choices=PrerequisiteValueType.choices
    )
    source = models.CharField(
        _("sumber nilai"),
        max_length=30,
        choices=PrerequisiteSource.choices,
        default=PrerequisiteSource.MANUAL,
    )
    grades = models.JSONField(_("peringkat"), default=list, blank=True)
    requirement = models.JSONField(_("syarat minimal"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("syarat pengusulan")
        verbose_name_plural = _("syarat pengusulan")
        constraints = [_unique_code("prerequisite")]

    def __str__(self) -> str:
        return self.name
