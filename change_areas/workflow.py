"""The review workflow as one table: the stages of a cycle, whose turn each one is,
which layer of answers it opens, the moves between stages, who may make each
move, and what must hold first.

Read it top to bottom:

- `STAGES` — for every stage: whose turn it is, the layer whose answers may
  change in it, and the tone its badge takes on a page;
- `TRANSITIONS` — every move: its name, the stages it leaves, the stage it
  reaches, the capability it needs (on the cycle's unit, or on its instansi
  for a proposal), the window that must be open, and its guard (a function
  that returns the reasons the move may not happen yet, in words a unit
  understands; none means it may);
- `QUESTION_STATES` — review in rounds, question by question: while a
  reviewer layer has the cycle, each question's review status says who holds
  it (the reviewer, or the unit after a return), whether the unit's answer to
  it is open, and the tone of its badge. A return and a resubmission are
  moves of the table that keep the cycle in its review stage: they move
  questions, not the cycle, so the reviewer keeps reviewing the others and
  may return more in later rounds.

Everyone asks this one table: the services refuse a move it does not allow
(`require`); views put `allowed(cycle, user)` in the page so templates show
only the moves a person may make (`moves.submit`), never comparing stage
strings; whether a layer may be edited now comes from `layer_edit_state`;
the review queue, the home page and the dashboards read whose turn it is
from `waiting_for` and `STAGES`.

Written by hand rather than with django-fsm-2 or viewflow: a guard here
must say *why* a move is refused (an FSM condition is a boolean); the target
of two moves depends on the cycle (a pre-assessment; the layer that asked
for revision); permission is a role on the unit's subtree (`units.access`),
not a Django model permission; and every move runs inside a service that
locks the row and writes several models, which a model-method transition
would split in two (docs/architecture.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from change_areas import selectors
from change_areas.models import (
    WINDOW_OF_LAYER,
    Cycle,
    InstansiSetsWbk,
    Layer,
    Predicate,
    Question,
    QuestionReview,
    ReviewStatus,
    Stage,
)
from units import access
from units.access import Perm
from units.models import Role


class Turn(StrEnum):
    """Whose move a stage waits for."""

    UNIT = "unit"
    PRE = "pre"
    TPI = "tpi"
    TPN = "tpn"
    INSTANSI = "instansi"
    NOBODY = "nobody"


@dataclass(frozen=True)
class StageRule:
    turn: Turn
    open_layer: Layer | None  # whose answers may change in this stage
    tone: str = ""  # badge tone on pages: "" (neutral), "warning", "ok"


STAGES: dict[Stage, StageRule] = {
    Stage.PEMBANGUNAN: StageRule(Turn.UNIT, Layer.SELF),
    Stage.PENILAIAN_MANDIRI: StageRule(Turn.UNIT, Layer.SELF),
    Stage.PENILAIAN_PENDAHULUAN: StageRule(Turn.PRE, Layer.PRE),
    Stage.EVALUASI_TPI: StageRule(Turn.TPI, Layer.TPI),
    Stage.PENGUSULAN: StageRule(Turn.INSTANSI, None),
    Stage.EVALUASI_TPN: StageRule(Turn.TPN, Layer.TPN),
    Stage.KEPUTUSAN: StageRule(Turn.NOBODY, None, tone="ok"),
}

# The capability that lets a person write a layer, and the stage a reviewer layer works in.
LAYER_PERMS: dict[Layer, Perm] = {
    Layer.SELF: Perm.EDIT_SELF,
    Layer.PRE: Perm.REVIEW_PRE,
    Layer.TPI: Perm.REVIEW_TPI,
    Layer.TPN: Perm.REVIEW_TPN,
}
REVIEW_STAGE: dict[Layer, Stage] = {
    layer: stage
    for stage, rule in STAGES.items()
    for layer in [rule.open_layer]
    if layer in (Layer.PRE, Layer.TPI, Layer.TPN)
}
LAYER_ROLES: dict[Layer, Role] = {
    Layer.PRE: Role.PRE_REVIEWER,
    Layer.TPI: Role.TPI_REVIEWER,
    Layer.TPN: Role.TPN_REVIEWER,
}
# The layers that review question by question (marks, returns, rounds).
MARKING_LAYERS = (Layer.PRE, Layer.TPI)


@dataclass(frozen=True)
class QuestionState:
    holder: str  # who has the question now: "reviewer", "unit", or "" (reviewed)
    markable: bool  # the reviewer may mark it reviewed or perlu perbaikan
    unit_open: bool  # the unit's answer to it may change
    tone: str  # badge tone: "muted", "ok", "warning", "danger"


# Review in rounds, per question. The reviewer marks a question ditinjau or perlu
# perbaikan (with a reason); the move `return` sends every question marked perlu
# perbaikan to the unit as one round (→ dikembalikan, the unit's answer opens);
# the move `resubmit` hands them back one by one or all at once (→ diperbaiki,
# or tidak diubah when the answer is as it was returned, which the unit confirms);
# the reviewer then looks at them again. Finalising needs every question ditinjau.
QUESTION_STATES: dict[ReviewStatus, QuestionState] = {
    ReviewStatus.PENDING: QuestionState("reviewer", markable=True, unit_open=False, tone="muted"),
    ReviewStatus.ACCEPTED: QuestionState("", markable=True, unit_open=False, tone="ok"),
    ReviewStatus.NEEDS_REVISION: QuestionState(
        "reviewer", markable=True, unit_open=False, tone="danger"
    ),
    ReviewStatus.RETURNED: QuestionState("unit", markable=False, unit_open=True, tone="danger"),
    ReviewStatus.REVISED: QuestionState("reviewer", markable=True, unit_open=False, tone="warning"),
    ReviewStatus.UNCHANGED: QuestionState(
        "reviewer", markable=True, unit_open=False, tone="warning"
    ),
}


# --------------------------------------------------------------------------
# What guards read: counted once per page, only when a guard asks.


class Facts:
    """What the guards of one cycle need beyond its own fields, read lazily and once."""

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle

    @cached_property
    def review_counts(self) -> dict[str, dict[str, int]]:
        """Question reviews per layer and status. One query."""
        counts: dict[str, dict[str, int]] = {}
        for row in (
            QuestionReview.objects.filter(cycle=self.cycle)
            .values("layer", "status")
            .annotate(n=Count("pk"))
        ):
            counts.setdefault(row["layer"], {})[row["status"]] = row["n"]
        return counts

    def count(self, layer: str, *statuses: str) -> int:
        by_status = self.review_counts.get(layer, {})
        return sum(by_status.get(status, 0) for status in statuses)

    def not_accepted(self, layer: str) -> int:
        return sum(self.review_counts.get(layer, {}).values()) - self.count(
            layer, ReviewStatus.ACCEPTED
        )

    @cached_property
    def designation(self):
        """The Menteri's designation of the cycle's instansi for evaluasi mandiri. Two queries."""
        return selectors.mandiri_designation(self.cycle)

    @cached_property
    def proposal_reasons(self) -> list[str]:
        """Why the TPI layer and the prerequisites do not allow a proposal yet. ~6 queries."""
        cycle = self.cycle
        reasons = []
        eligibility = cycle.summary(Layer.TPI).get("eligibility", {}).get(cycle.target, {})
        if not eligibility.get("eligible"):
            reasons += [selectors.failure_text(f) for f in eligibility.get("failed", [])] or [
                _("Nilai TPI belum memenuhi nilai ambang.")
            ]
        for check in selectors.prerequisite_checklist(cycle):
            if check.met is not True:
                reasons.append(
                    _("Syarat pengusulan: %(name)s (%(value)s).")
                    % {
                        "name": check.prerequisite.name,
                        "value": check.display_value or _("belum dicatat"),
                    }
                )
        return reasons


# --------------------------------------------------------------------------
# Guards: the reasons a move may not happen yet (an empty list: it may).


def _pengungkit_answered(cycle: Cycle, facts: Facts) -> list[str]:
    pengungkit = cycle.summary(Layer.SELF).get("components", {}).get("A")
    if pengungkit and pengungkit["answered"] < pengungkit["questions"]:
        return [
            _(
                "Masih ada %(count)d pertanyaan pengungkit yang belum dijawab; lengkapi sebelum mengajukan."
            )
            % {"count": pengungkit["questions"] - pengungkit["answered"]}
        ]
    return []


def _marked_for_revision(layer: Layer) -> Callable[[Cycle, Facts], list[str]]:
    def guard(cycle: Cycle, facts: Facts) -> list[str]:
        if not facts.count(layer, ReviewStatus.NEEDS_REVISION):
            return [_("Tandai dahulu pertanyaan yang perlu diperbaiki, dengan alasannya.")]
        return []

    return guard


def _has_returned(cycle: Cycle, facts: Facts) -> list[str]:
    layer = cycle.revision_layer
    if not layer or not facts.count(layer, ReviewStatus.RETURNED):
        return [_("Tidak ada pertanyaan yang dikembalikan untuk diperbaiki.")]
    return []


def _all_reviewed(layer: Layer) -> Callable[[Cycle, Facts], list[str]]:
    def guard(cycle: Cycle, facts: Facts) -> list[str]:
        reasons = []
        returned = facts.count(layer, ReviewStatus.RETURNED)
        if returned:
            reasons.append(
                ngettext(
                    "%(count)d pertanyaan masih diperbaiki unit.",
                    "%(count)d pertanyaan masih diperbaiki unit.",
                    returned,
                )
                % {"count": returned}
            )
        remaining = facts.not_accepted(layer) - returned
        if remaining:
            reasons.append(
                _(
                    "Masih ada %(count)d pertanyaan yang belum ditinjau; tinjau semuanya atau kembalikan yang perlu diperbaiki."
                )
                % {"count": remaining}
            )
        return reasons

    return guard


def _proposable(cycle: Cycle, facts: Facts) -> list[str]:
    return facts.proposal_reasons


def proposal_window_reason(cycle: Cycle, today: datetime.date | None = None) -> str | None:
    """Why a proposal may no longer be made: 31 May (or the date the campaign set) has passed."""
    today = today or timezone.localdate()
    if today <= cycle.proposal_deadline:
        return None
    return _(
        "Batas pengusulan ke TPN %(date)s telah lewat; pengusulan hanya dapat dibuat bila "
        "pemilik kampanye mencatat perpanjangan yang ditetapkan TPN."
    ) % {"date": date_format(cycle.proposal_deadline, "DATE_FORMAT")}


def _tpn_layer_meets_rules(cycle: Cycle, facts: Facts) -> list[str]:
    """Under 90/2021 the field result prevails: an award the TPN layer does not support
    needs the decider's consideration on record (the move is overridable)."""
    eligibility = cycle.summary(Layer.TPN).get("eligibility", {}).get(cycle.target, {})
    if eligibility.get("eligible"):
        return []
    return [failure["message"] for failure in eligibility.get("failed", [])] or [
        _("Lapis TPN belum memenuhi nilai ambang %(target)s.")
        % {"target": cycle.get_target_display()}
    ]


def _instansi_may_set_wbk(cycle: Cycle, facts: Facts) -> list[str]:
    """Evaluasi mandiri (5/2024: a designated instansi) or the head of the agency (52/2014):
    Menuju WBK only, on a final TPI layer that meets every rule and the prerequisites."""
    reasons = []
    if cycle.target != Predicate.WBK:
        reasons.append(
            _("Instansi hanya dapat menetapkan Menuju WBK; Menuju WBBM ditetapkan Menteri.")
        )
    rule = cycle.framework.wbk_set_by_instansi
    if rule == InstansiSetsWbk.DESIGNATED and facts.designation is None:
        reasons.append(
            _(
                "Instansi ini belum ditetapkan Menteri untuk melaksanakan evaluasi Menuju WBK "
                "secara mandiri pada %(year)s."
            )
            % {"year": cycle.year}
        )
    elif not rule:
        reasons.append(_("Versi LKE ini tidak memberi instansi wewenang menetapkan Menuju WBK."))
    return reasons + facts.proposal_reasons


def _first_review_stage(cycle: Cycle) -> Stage:
    return Stage.PENILAIAN_PENDAHULUAN if cycle.pre_assessment else Stage.EVALUASI_TPI


def _same_stage(cycle: Cycle) -> Stage:
    """A round: the move changes questions, not the cycle's stage."""
    return Stage(cycle.stage)


def _no_guard(cycle: Cycle, facts: Facts) -> list[str]:
    return []


# --------------------------------------------------------------------------
# The moves


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise  # the button
    refusal: str | Promise  # "Tidak dapat <refusal>: siklus berada pada tahap …"
    source: tuple[Stage, ...]
    target: Stage | Callable[[Cycle], Stage]
    perm: Perm
    on_instansi: bool = False  # the capability is needed on the cycle's instansi, not the unit
    layer: Layer | None = None  # the reviewer layer the move belongs to
    window: Layer | None = None  # this layer's window must be open (dates, not only the stage)
    guard: Callable[[Cycle, Facts], list[str]] = _no_guard
    # The guard's reasons give way to a consideration the person records (kept in history).
    overridable: bool = False
    # The proposal deadline (31 May, or the campaign's date) must not have passed; like a
    # window it binds people, not the system recording history (imports, the demo).
    deadline: bool = False

    def target_of(self, cycle: Cycle) -> Stage:
        return self.target(cycle) if callable(self.target) else self.target


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        gettext_lazy("Ajukan penilaian unit"),
        gettext_lazy("mengajukan penilaian unit"),
        source=(Stage.PEMBANGUNAN, Stage.PENILAIAN_MANDIRI),
        target=_first_review_stage,
        perm=Perm.SUBMIT_SELF,
        guard=_pengungkit_answered,
    ),
    Transition(
        "return",
        gettext_lazy("Kembalikan untuk diperbaiki"),
        gettext_lazy("mengembalikan untuk perbaikan"),
        source=(Stage.PENILAIAN_PENDAHULUAN,),
        target=_same_stage,
        perm=Perm.REVIEW_PRE,
        layer=Layer.PRE,
        window=Layer.PRE,
        guard=_marked_for_revision(Layer.PRE),
    ),
    Transition(
        "return",
        gettext_lazy("Kembalikan untuk diperbaiki"),
        gettext_lazy("mengembalikan untuk perbaikan"),
        source=(Stage.EVALUASI_TPI,),
        target=_same_stage,
        perm=Perm.REVIEW_TPI,
        layer=Layer.TPI,
        window=Layer.TPI,
        guard=_marked_for_revision(Layer.TPI),
    ),
    Transition(
        "resubmit",
        gettext_lazy("Ajukan ulang perbaikan"),
        gettext_lazy("mengajukan ulang"),
        source=(Stage.PENILAIAN_PENDAHULUAN, Stage.EVALUASI_TPI),
        target=_same_stage,
        perm=Perm.SUBMIT_SELF,
        guard=_has_returned,
    ),
    Transition(
        "pass_pre",
        gettext_lazy("Luluskan ke evaluasi TPI"),
        gettext_lazy("meluluskan penilaian pendahuluan"),
        source=(Stage.PENILAIAN_PENDAHULUAN,),
        target=Stage.EVALUASI_TPI,
        perm=Perm.REVIEW_PRE,
        layer=Layer.PRE,
        guard=_all_reviewed(Layer.PRE),
    ),
    Transition(
        "finalise_tpi",
        gettext_lazy("Finalkan penilaian TPI"),
        gettext_lazy("memfinalkan penilaian TPI"),
        source=(Stage.EVALUASI_TPI,),
        target=Stage.PENGUSULAN,
        perm=Perm.REVIEW_TPI,
        layer=Layer.TPI,
        guard=_all_reviewed(Layer.TPI),
    ),
    Transition(
        "propose",
        gettext_lazy("Usulkan ke TPN"),
        gettext_lazy("mengusulkan ke TPN"),
        source=(Stage.PENGUSULAN,),
        target=Stage.EVALUASI_TPN,
        perm=Perm.ADMINISTER,
        on_instansi=True,
        guard=_proposable,
        deadline=True,
    ),
    Transition(
        "set_by_instansi",
        gettext_lazy("Tetapkan Menuju WBK oleh instansi"),
        gettext_lazy("menetapkan Menuju WBK oleh instansi"),
        source=(Stage.PENGUSULAN,),
        target=Stage.KEPUTUSAN,
        perm=Perm.SET_WBK,
        on_instansi=True,
        guard=_instansi_may_set_wbk,
    ),
    Transition(
        "award",
        gettext_lazy("Tetapkan predikat"),
        gettext_lazy("menetapkan predikat"),
        source=(Stage.EVALUASI_TPN,),
        target=Stage.KEPUTUSAN,
        perm=Perm.REVIEW_TPN,
        layer=Layer.TPN,
        window=Layer.TPN,
        guard=_tpn_layer_meets_rules,
        overridable=True,
    ),
    Transition(
        "decline",
        gettext_lazy("Predikat tidak diberikan"),
        gettext_lazy("mencatat bahwa predikat tidak diberikan"),
        source=(Stage.EVALUASI_TPN,),
        target=Stage.KEPUTUSAN,
        perm=Perm.REVIEW_TPN,
        layer=Layer.TPN,
        window=Layer.TPN,
    ),
)


# --------------------------------------------------------------------------
# Asking the table


class Move:
    """A move a person could make on a cycle now; why it may not happen yet is read lazily.

    A template that only asks whether the move exists (`{% if moves.submit %}`)
    costs nothing; `allowed` and `reasons` run the guard (and its queries) once.
    """

    def __init__(self, transition: Transition, cycle: Cycle, facts: Facts) -> None:
        self.transition = transition
        self.cycle = cycle
        self.facts = facts

    @cached_property
    def reasons(self) -> list[str]:
        reasons = []
        if self.transition.window is not None:
            closed = _window_reason(self.cycle, self.transition.window)
            if closed:
                reasons.append(closed)
        if self.transition.deadline:
            closed = proposal_window_reason(self.cycle)
            if closed:
                reasons.append(closed)
        return reasons + self.transition.guard(self.cycle, self.facts)

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str:
        return str(self.transition.label)


def _actor_unit(cycle: Cycle, transition: Transition):
    return selectors.instansi_of(cycle.unit) if transition.on_instansi else cycle.unit


def _candidates(name: str, layer: str | None) -> list[Transition]:
    return [t for t in TRANSITIONS if t.name == name and (layer is None or t.layer == layer)]


_NOT_OPEN = {
    Layer.SELF: gettext_lazy("Pengisian baru dibuka pada %(date)s."),
    Layer.TPI: gettext_lazy("Penilaian TPI baru dibuka pada %(date)s."),
    Layer.TPN: gettext_lazy("Evaluasi TPN baru dibuka pada %(date)s."),
}
_CLOSED = {
    Layer.SELF: gettext_lazy("Pengisian ditutup sejak %(date)s."),
    Layer.TPI: gettext_lazy("Penilaian TPI ditutup sejak %(date)s."),
    Layer.TPN: gettext_lazy("Evaluasi TPN ditutup sejak %(date)s."),
}


def window_owner_unit(cycle: Cycle):
    """The unit whose administrators own the cycle's windows: the campaign's root, or the
    unit itself for a cycle opened outside a campaign. No query when the campaign's root
    is loaded (`scopes.CYCLE` loads it)."""
    return cycle.campaign.root if cycle.campaign_id else cycle.unit


def window_owners(cycle: Cycle) -> str:
    """Who can move the cycle's windows, in words. No query when the campaign's root is loaded."""
    owner = window_owner_unit(cycle)
    return _("Admin %(unit)s atau admin nasional dapat mengubah jadwal ini.") % {
        "unit": owner.short_name or owner.name
    }


def window_opens(cycle: Cycle, layer: Layer) -> datetime.date | None:
    """When the layer's window opens for this cycle, or None when nothing holds it back.

    With "submit early, review early" (`early_review`), a submitted cycle's TPI
    review is open from its submission. No query.
    """
    window = WINDOW_OF_LAYER.get(layer)
    if window is None:
        return None
    if layer == Layer.TPI and cycle.early_review and cycle.submitted_at:
        return None
    return getattr(cycle, window.opens_field)


def _window_reason(cycle: Cycle, layer: Layer, today: datetime.date | None = None) -> str | None:
    """Why the layer's date window is closed now, when it opens and who can move it; None
    when it is open. No query once the campaign's root is loaded."""
    window = WINDOW_OF_LAYER.get(layer)
    if window is None:
        return None
    today = today or timezone.localdate()
    opens, closes = window_opens(cycle, layer), getattr(cycle, window.closes_field)
    if opens and today < opens:
        message = _NOT_OPEN[layer] % {"date": date_format(opens, "DATE_FORMAT")}
    elif closes and today > closes:
        message = _CLOSED[layer] % {"date": date_format(closes, "DATE_FORMAT")}
    else:
        return None
    return f"{message} {window_owners(cycle)}"


def allowed(cycle: Cycle, user, *, facts: Facts | None = None) -> dict[str, Move]:
    """The moves of the cycle's stage that the person's roles allow, by name.

    A move whose guard does not hold yet is included (its `reasons` say what
    is missing); a move the person's roles do not allow is left out. No
    query until a template reads a move's `allowed` or `reasons`.
    """
    facts = facts or Facts(cycle)
    moves: dict[str, Move] = {}
    for transition in TRANSITIONS:
        if cycle.stage not in transition.source:
            continue
        if not access.can(user, _actor_unit(cycle, transition), transition.perm):
            continue
        moves[transition.name] = Move(transition, cycle, facts)
    return moves


def require(
    cycle: Cycle,
    name: str,
    by,
    *,
    layer: str | None = None,
    facts: Facts | None = None,
    override: str = "",
) -> Transition:
    """The move the table allows `by` to make now; else raise as a refusal should read.

    Outsiders 404, insiders without the capability 403 (units.access); a
    move from another stage, or whose window is closed, or whose guard does
    not hold, a ValidationError with the reasons — unless the move is
    overridable and `override` gives the consideration, which the caller
    records. `by=None` (the system) skips the capability check only. Call it
    with the cycle locked.
    """
    candidates = _candidates(name, layer)
    if not candidates:
        raise ValidationError(_("Langkah ini tidak dikenal untuk lapis tersebut."))
    if by is not None:
        access.check(by, _actor_unit(cycle, candidates[0]), candidates[0].perm)
    transition = next((t for t in candidates if cycle.stage in t.source), None)
    if transition is None:
        raise ValidationError(
            _("Tidak dapat %(action)s: siklus berada pada tahap %(stage)s.")
            % {"action": candidates[0].refusal, "stage": cycle.get_stage_display()}
        )
    if by is not None and transition.window is not None:
        closed = _window_reason(cycle, transition.window)
        if closed:
            raise PermissionDenied(closed)
    if by is not None and transition.deadline:
        closed = proposal_window_reason(cycle)
        if closed:
            raise ValidationError(closed)
    reasons = transition.guard(cycle, facts or Facts(cycle))
    if reasons and not (transition.overridable and override.strip()):
        if transition.overridable:
            reasons = [
                *reasons,
                _("Predikat hanya dapat ditetapkan dengan pertimbangan yang dicatat."),
            ]
        raise ValidationError(reasons)
    return transition


def proposal_blockers(
    cycle: Cycle, *, facts: Facts | None = None, deadline: bool = True
) -> list[str]:
    """Why the cycle cannot be proposed to the TPN (empty when it can). ~6 queries.

    `deadline=False` leaves out the proposal deadline, for the system recording a past
    proposal (the deadline binds people, as `require` applies it)."""
    reasons = []
    if cycle.stage != Stage.PENGUSULAN:
        reasons.append(
            _("Penilaian TPI belum final (tahap %(stage)s).") % {"stage": cycle.get_stage_display()}
        )
    closed = proposal_window_reason(cycle) if deadline else None
    if closed:
        reasons.append(closed)
    return reasons + (facts or Facts(cycle)).proposal_reasons


def review_layer_after(cycle: Cycle, transition: Transition) -> Layer:
    """The reviewer layer that has the cycle once the move is made. No query."""
    return STAGES[transition.target_of(cycle)].open_layer


# --------------------------------------------------------------------------
# Who may write a layer now


def layer_edit_state(
    cycle: Cycle,
    layer: str,
    user,
    *,
    question: Question | None = None,
    today: datetime.date | None = None,
) -> tuple[bool, str]:
    """Whether `user` may edit `layer` of the cycle now, and if not, why.

    No query once the user's memberships are cached, except one when a
    question is named while the unit revises returned questions.
    """
    layer = Layer(layer)
    if not access.can(user, cycle.unit, LAYER_PERMS[layer]):
        if layer == Layer.SELF:
            return False, _("Peran Anda pada unit ini tidak mencakup pengisian penilaian unit.")
        return False, _("Peran Anda tidak mencakup lapis penilaian ini.")
    rule = STAGES[Stage(cycle.stage)]
    if layer == Layer.SELF:
        return _self_edit_state(cycle, rule, question=question, today=today)
    if rule.open_layer != layer:
        if layer == Layer.TPI and cycle.tpi_finalised_at:
            return False, _("Penilaian TPI sudah final dan terkunci.")
        return False, _(
            "Lapis ini hanya dapat diisi pada tahap %(stage)s; siklus kini pada tahap %(now)s."
        ) % {"stage": REVIEW_STAGE[layer].label, "now": cycle.get_stage_display()}
    closed = _window_reason(cycle, layer, today)
    if closed:
        return False, closed
    if layer == Layer.TPI and cycle.review_closes:
        return True, _("Penilaian TPI dibuka sampai %(date)s.") % {
            "date": date_format(cycle.review_closes, "DATE_FORMAT")
        }
    return True, ""


def _self_edit_state(
    cycle: Cycle, rule: StageRule, *, question: Question | None, today: datetime.date | None
) -> tuple[bool, str]:
    if has_open_returns(cycle):
        # Outside the filling window on purpose: a returned question is fixed when returned.
        if question is not None and not is_returned(cycle, question):
            return False, _(
                "Pertanyaan ini tidak dikembalikan untuk diperbaiki; jawabannya terkunci."
            )
        return True, _(
            "Penilai mengembalikan beberapa pertanyaan untuk diperbaiki; hanya pertanyaan itu yang dapat diubah, sampai diajukan ulang."
        )
    if rule.open_layer != Layer.SELF:
        return False, _("Penilaian unit sudah diajukan (tahap %(stage)s); jawaban terkunci.") % {
            "stage": cycle.get_stage_display()
        }
    closed = _window_reason(cycle, Layer.SELF, today)
    if closed:
        return False, closed
    if cycle.fill_closes:
        return True, _("Pengisian dibuka sampai %(date)s.") % {
            "date": date_format(cycle.fill_closes, "DATE_FORMAT")
        }
    return True, ""


def has_open_returns(cycle: Cycle) -> bool:
    """Whether the unit holds returned questions now (its layer opens for them). No query."""
    return bool(cycle.revision_layer) and cycle.stage == REVIEW_STAGE.get(
        Layer(cycle.revision_layer)
    )


def is_returned(cycle: Cycle, question: Question) -> bool:
    """Whether the reviewer sent this question back and the unit may change it. One query."""
    return QuestionReview.objects.filter(
        cycle=cycle,
        question=question,
        layer=cycle.revision_layer,
        status=ReviewStatus.RETURNED,
    ).exists()


def returned_reviews(cycle: Cycle) -> dict[int, QuestionReview]:
    """The questions the unit holds, returned and not resubmitted yet, by question id. One query."""
    if not has_open_returns(cycle):
        return {}
    return {
        review.question_id: review
        for review in QuestionReview.objects.filter(
            cycle=cycle, layer=cycle.revision_layer, status=ReviewStatus.RETURNED
        )
        .select_related("question__indicator__area__component")
        .order_by("question__order", "question__code")
    }


def question_state(review: QuestionReview | None) -> QuestionState | None:
    """The row of QUESTION_STATES for a review (None without one). No query."""
    return QUESTION_STATES.get(ReviewStatus(review.status)) if review is not None else None


# --------------------------------------------------------------------------
# Whose turn: for queues, home pages and dashboards


def review_layer(cycle: Cycle) -> Layer | None:
    """The reviewer layer the cycle is with now. No query."""
    rule = STAGES[Stage(cycle.stage)]
    return rule.open_layer if rule.open_layer in REVIEW_STAGE else None


def shown_review_layer(cycle: Cycle) -> Layer | None:
    """Whose review verdicts the unit sees beside its answers. No query."""
    if cycle.revision_layer:
        return Layer(cycle.revision_layer)
    if cycle.tpi_finalised_at:
        return Layer.TPI
    layer = review_layer(cycle)
    return layer if layer in MARKING_LAYERS else None


def waiting_for(layer: Layer) -> Q:
    """Cycles with the layer: in its stage (it keeps reviewing while the unit fixes returns)."""
    return Q(stage=REVIEW_STAGE[layer])


def unit_turn_stages() -> list[Stage]:
    """The stages in which the unit's own team has the next move."""
    return [stage for stage, rule in STAGES.items() if rule.turn == Turn.UNIT]


def unit_has_work(prefix: str = "") -> Q:
    """Cycles where the unit has something to do: its turn, or questions returned to it.
    `prefix` reaches the cycle from another model ("cycle__")."""
    return Q(**{f"{prefix}stage__in": unit_turn_stages()}) | ~Q(**{f"{prefix}revision_layer": ""})


def tone(stage: str) -> str:
    """The badge tone of a stage ("", "warning", "ok"). No query."""
    rule = STAGES.get(stage)  # type: ignore[call-overload]
    return rule.tone if rule else ""
