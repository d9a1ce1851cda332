"""The review side of a cycle: per-question review status, comment threads,
proposal letters, and notifications of people concerned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from change_areas.models.catalog import Question
from change_areas.models.cycles import Cycle, Layer


class ReviewStatus(models.TextChoices):
    """Where one question stands in a reviewer layer's review (the rounds: `workflow.QUESTION_STATES`).

    "Ditinjau" means the reviewer has looked at the question and settled its own
    score; whether that score agrees with the unit's ("sesuai") or not
    ("dikoreksi") is read from the two answers, not from this status.
    """

    PENDING = "menunggu", _("Belum ditinjau")
    ACCEPTED = "diterima", _("Ditinjau")
    NEEDS_REVISION = "perlu_perbaikan", _("Perlu perbaikan")  # marked; goes with the next return
    RETURNED = "dikembalikan", _("Dikembalikan ke unit")  # with the unit, open for it
    REVISED = "diperbaiki", _("Diperbaiki unit")  # resubmitted with a changed answer
    UNCHANGED = "tidak_diubah", _("Diajukan ulang tanpa perubahan")


# What waits for the reviewer's look: never reviewed, or back from the unit.
OPEN_REVIEW_STATUSES = (ReviewStatus.PENDING, ReviewStatus.REVISED, ReviewStatus.UNCHANGED)


class QuestionReview(models.Model):
    """A reviewer layer's verdict on the unit's answer to one question."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("siklus")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("pertanyaan")
    )
    layer = models.CharField(_("lapis"), max_length=10, choices=Layer.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reason = models.TextField(_("alasan"), blank=True)
    revision_count = models.PositiveSmallIntegerField(_("jumlah perbaikan"), default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tinjauan pertanyaan")
        verbose_name_plural = _("tinjauan pertanyaan")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "question", "layer"], name="review_one_per_question_and_layer"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["perlu_perbaikan", "dikembalikan"])
                | ~models.Q(reason=""),
                name="review_revision_needs_reason",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "layer", "status"])]

    def __str__(self) -> str:
        return f"{self.cycle} {self.question.code} [{self.layer}] {self.status}"

    @property
    def is_returned(self) -> bool:
        """Sent back to the unit and not resubmitted yet: the unit's answer is open."""
        return self.status == ReviewStatus.RETURNED

    @property
    def is_reviewed(self) -> bool:
        return self.status == ReviewStatus.ACCEPTED

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING

    @property
    def is_marked(self) -> bool:
        """Marked perlu perbaikan, to go with the next return."""
        return self.status == ReviewStatus.NEEDS_REVISION


class ReviewRound(models.Model):
    """One return of questions to the unit by a reviewer layer: the round's number, who
    sent it and when. The questions it returned are its `items`; the review goes on
    meanwhile, and further rounds may follow."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="review_rounds", verbose_name=_("siklus")
    )
    layer = models.CharField(_("lapis"), max_length=10, choices=Layer.choices)
    number = models.PositiveSmallIntegerField(_("putaran ke"))
    note = models.TextField(_("catatan"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikembalikan oleh"),
    )
    returned_at = models.DateTimeField(_("dikembalikan"), auto_now_add=True)

    class Meta:
        verbose_name = _("putaran perbaikan")
        verbose_name_plural = _("putaran perbaikan")
        ordering = ["cycle", "layer", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "layer", "number"], name="review_round_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} [{self.layer}] #{self.number}"


class RoundOutcome(models.TextChoices):
    OPEN = "", _("Belum diajukan ulang")
    REVISED = "diperbaiki", _("Diperbaiki")
    UNCHANGED = "tidak_diubah", _("Tanpa perubahan")


class ReturnedQuestion(models.Model):
    """One question of a round: why it went back, the unit's answer then (`before`) and
    when resubmitted (`after`), each as `selectors.answer_snapshot` writes it."""

    round = models.ForeignKey(
        ReviewRound, on_delete=models.CASCADE, related_name="items", verbose_name=_("putaran")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("pertanyaan")
    )
    reason = models.TextField(_("alasan"))
    before = models.JSONField(_("jawaban saat dikembalikan"), default=dict, blank=True)
    after = models.JSONField(_("jawaban saat diajukan ulang"), null=True, blank=True)
    outcome = models.CharField(
        _("hasil"), max_length=20, choices=RoundOutcome.choices, default="", blank=True
    )
    resubmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diajukan ulang oleh"),
    )
    resubmitted_at = models.DateTimeField(_("diajukan ulang"), null=True, blank=True)

    class Meta:
        verbose_name = _("pertanyaan yang dikembalikan")
        verbose_name_plural = _("pertanyaan yang dikembalikan")
        ordering = ["round__number", "question__order", "question__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "question"], name="returned_once_per_round")
        ]
        indexes = [models.Index(fields=["question", "outcome"])]

    def __str__(self) -> str:
        return f"{self.round} {self.question.code}"

    @property
    def is_open(self) -> bool:
        return self.outcome == RoundOutcome.OPEN

    @property
    def is_revised(self) -> bool:
        return self.outcome == RoundOutcome.REVISED


class Comment(models.Model):
    """One message in the thread on a question, read and answered by both sides."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="comments", verbose_name=_("siklus")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="comments", verbose_name=_("pertanyaan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("penulis"),
    )
    author_side = models.CharField(_("pihak"), max_length=10, choices=Layer.choices)
    body = models.TextField(_("isi"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("komentar")
        verbose_name_plural = _("komentar")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["cycle", "question"])]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.body[:40]}"


class Proposal(models.Model):
    """An instansi's proposal letter to the TPN for one year, with its SPTJM."""

    instansi = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("instansi")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    letter_number = models.CharField(_("nomor surat usulan"), max_length=150)
    letter_date = models.DateField(_("tanggal surat"))
    sptjm = models.ForeignKey(
        "change_areas.Evidence",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("SPTJM"),
        help_text=_(
            "Surat Pernyataan Tanggung Jawab Mutlak yang ditandatangani pimpinan instansi."
        ),
    )
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("surat usulan")
        verbose_name_plural = _("surat usulan")
        ordering = ["-year", "-letter_date"]

    def __str__(self) -> str:
        return f"{self.letter_number} ({self.instansi}, {self.year})"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice to one person (the same notice also goes out by e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(_("peristiwa"), max_length=40)
    message = models.TextField(_("pesan"))
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:60]


class ReminderLog(models.Model):
    """One reminder sent to one person on one day, so a second run that day sends nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "day"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.user_id} ({self.day})"
