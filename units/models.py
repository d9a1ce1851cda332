"""The organisation: the unit tree, the people and their roles on units.

Everything else in ZI Tracker stands on these models; `units.access` is the
one place that decides who may see or do what on a unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from units.validators import validate_logo, validate_nip, validate_unit_code

if TYPE_CHECKING:
    from collections.abc import Iterable


_MEMBERSHIPS_CACHE = "_zi_memberships"


def actor_field(verbose_name, **options) -> models.ForeignKey:
    """The person who did something to a record: created, published, signed it.

    The record outlives the account (deleting the person empties the field), and
    a person has no reverse accessor: nothing asks a person for all they touched.
    """
    return models.ForeignKey(
        "units.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )


class User(AbstractUser):
    """A person who signs in. Custom from the first migration, as Django advises."""

    nip = models.CharField(
        _("NIP"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_nip],
        help_text=_("Nomor Induk Pegawai, 18 angka. Kosongkan untuk non-ASN."),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=200, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    invited_at = models.DateTimeField(
        _("diundang"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kapan undangan terakhir dikirim; kosong bila akun dibuat tanpa undangan."),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    # Who the person is as an employee, beside the username they sign in with: what the
    # admin's forms ask and the people file carries.
    EMPLOYEE_FIELDS = ("nip", "full_name", "position", "email")

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def unit_memberships(self) -> list[Membership]:
        """The person's roles with their units: one query the first time, then none.

        Kept on the object for the request (`forget_unit_memberships` drops it
        after a role changed). `units.access` decides everything from this list.
        """
        cached = self.__dict__.get(_MEMBERSHIPS_CACHE)
        if cached is None:
            cached = list(Membership.objects.filter(user=self).select_related("unit"))
            self.__dict__[_MEMBERSHIPS_CACHE] = cached
        return cached

    @property
    def invitation_pending(self) -> bool:
        """Invited and has not set a password yet. No query."""
        return self.invited_at is not None and not self.has_usable_password()

    def forget_unit_memberships(self) -> None:
        self.__dict__.pop(_MEMBERSHIPS_CACHE, None)

    def clean(self) -> None:
        super().clean()
        if self.nip == "":
            self.nip = None


class UnitKind(models.TextChoices):
    KEMENTERIAN_LEMBAGA = "kementerian_lembaga", _("Kementerian/Lembaga")
    PEMERINTAH_DAERAH = "pemerintah_daerah", _("Pemerintah Daerah")
    UNIT_UTAMA = "unit_utama", _("Unit Utama/Eselon I")
    INSTANSI_VERTIKAL = "instansi_vertikal", _("Instansi Vertikal/Kantor Wilayah/Provinsi")
    SATKER = "satker", _("Satuan Kerja/Kantor Kabupaten-Kota")
    OPD = "opd", _("Organisasi Perangkat Daerah")
    UPT = "upt", _("UPT/Unit Layanan")


class InstansiType(models.TextChoices):
    """Which column of the proposal prerequisites applies (regulation §1.8)."""

    KEMENTERIAN_LEMBAGA = "kl", _("Kementerian/Lembaga")
    PEMERINTAH_DAERAH = "pemda", _("Pemerintah Daerah")


class UnitQuerySet(MP_NodeQuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def subtree_of(self, unit: Unit, *, include_self: bool = True) -> UnitQuerySet:
        """The unit and everything below it, in one query whatever the depth."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def children_of(self, unit: Unit) -> UnitQuerySet:
        """The units right below `unit`: one range of the (depth, path) index, whatever the
        size of the subtree (a prefix match on the path alone would read all of it)."""
        step = unit.steplen
        return self.filter(
            depth=unit.depth + 1,
            path__range=(unit.path + "0" * step, unit.path + "Z" * step),
        )

    def within_paths(self, paths: Iterable[str]) -> UnitQuerySet:
        """Units below any of the given tree paths (the subtrees of several units)."""
        condition = Q(pk__in=[])
        for path in set(paths):
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def visible_to(self, user) -> UnitQuerySet:
        """Units the user may see: the subtrees of the units they hold a role on.

        Costs one query for the memberships (cached on the user for the
        request) and none until the queryset is evaluated.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.within_paths(m.unit.path for m in user.unit_memberships())


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self) -> UnitQuerySet:
        # MP_NodeManager hard-codes its own queryset class; keep its ordering.
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A node of the organisation tree: an instansi, an office, a service unit.

    The tree is a materialised path (django-treebeard): `path` holds the
    ancestors' steps, so subtree and ancestor queries cost one query each,
    whatever the depth.
    """

    code = models.CharField(
        _("kode"),
        max_length=40,
        unique=True,
        validators=[validate_unit_code],
        help_text=_("Kode unik unit, misalnya kode satker. Dipakai di alamat halaman."),
    )
    name = models.CharField(_("nama"), max_length=255)
    short_name = models.CharField(_("nama singkat"), max_length=80, blank=True)
    kind = models.CharField(_("jenis"), max_length=32, choices=UnitKind.choices)
    province = models.CharField(_("provinsi"), max_length=100, blank=True)
    regency = models.CharField(_("kabupaten/kota"), max_length=100, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    phone = models.CharField(_("telepon"), max_length=60, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    head_name = models.CharField(_("nama pimpinan"), max_length=200, blank=True)
    head_nip = models.CharField(
        _("NIP pimpinan"), max_length=18, blank=True, validators=[validate_nip]
    )
    head_position = models.CharField(_("jabatan pimpinan"), max_length=200, blank=True)
    logo = models.ImageField(
        _("logo kop surat"), upload_to="unit-logos/", blank=True, validators=[validate_logo]
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    # Kept by `units.services` (create, move, delete) so a dashboard knows a subtree's size
    # without counting it: the units below this one, at every depth.
    descendant_count = models.PositiveIntegerField(
        _("jumlah unit di bawahnya"), default=0, editable=False
    )
    # Kept the same way: how many units of the subtree (this one included) are in each
    # province ({"Aceh": 12}), so the dashboards' province filter lists them without a scan.
    province_counts = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["descendant_count", "province_counts"])
    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("unit")
        ordering = ["path"]
        indexes = [models.Index(fields=["depth", "path"], name="unit_depth_path")]
        constraints = [
            # BPS-9100 and bps-9100 are one code to people (and in URLs people type):
            # PostgreSQL settles two units saved at once with codes differing only in case.
            models.UniqueConstraint(
                Lower("code"),
                name="unit_code_unique_ignoring_case",
                violation_error_message=_(
                    "Kode unit ini sudah dipakai unit lain (huruf besar dan kecil dianggap sama)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.code:
            taken = Unit.objects.filter(code__iexact=self.code).exclude(pk=self.pk).first()
            if taken is not None:
                raise ValidationError(
                    {
                        "code": _(
                            "Kode %(code)s sudah dipakai %(unit)s (%(taken)s); huruf besar dan "
                            "kecil dianggap sama."
                        )
                        % {"code": self.code, "unit": taken.name, "taken": taken.code}
                    }
                )

    def get_absolute_url(self) -> str:
        return reverse("units:detail", kwargs={"code": self.code})

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, root first, computed without a query."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth)]

    @property
    def lineage_paths(self) -> list[str]:
        """The ancestors' paths and the unit's own."""
        return [*self.ancestor_paths, self.path]

    def ancestors(self) -> UnitQuerySet:
        """The ancestors, root first. One query."""
        return Unit.objects.filter(path__in=self.ancestor_paths).order_by("depth")

    def descendants(self) -> UnitQuerySet:
        """Everything below the unit. One query."""
        return Unit.objects.subtree_of(self, include_self=False)

    def is_in_subtree_of(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    @property
    def root_path(self) -> str:
        return self.path[: self.steplen]

    @property
    def region(self) -> str:
        return ", ".join(part for part in (self.regency, self.province) if part)


class Role(models.TextChoices):
    STAFF = "staff", _("Staf / tim kerja")
    COORDINATOR = "coordinator", _("Koordinator (ketua tim ZI)")
    PRE_REVIEWER = "pre_reviewer", _("Penilai pendahuluan")
    TPI_REVIEWER = "tpi_reviewer", _("Penilai TPI")
    TPN_REVIEWER = "tpn_reviewer", _("Penilai TPN")
    VIEWER = "viewer", _("Pimpinan / pemantau")
    UNIT_ADMIN = "unit_admin", _("Admin unit")
    # The instansi's own evaluation team that sets Menuju WBK where the regulation lets the
    # instansi do so: evaluasi mandiri (5/2024) or the head of the agency (52/2014).
    INSTANSI_EVALUATOR = "instansi_evaluator", _("Tim evaluasi mandiri instansi")


class MembershipQuerySet(models.QuerySet):
    def on_lineage_of(self, unit: Unit) -> MembershipQuerySet:
        """Memberships that cover the unit: on it or on any of its ancestors."""
        return self.filter(unit__path__in=unit.lineage_paths)

    def in_subtree_of(self, unit: Unit) -> MembershipQuerySet:
        return self.filter(unit__path__startswith=unit.path)


class Membership(models.Model):
    """A role held by a person on a unit; it covers the unit's whole subtree."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("pengguna")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    granted_by = actor_field(_("diberikan oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_role_per_unit"
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
