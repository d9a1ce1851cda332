"""Writes of `change_areas`: every state change is one function here, used alike by
views, imports, commands and the demo.

The permission convention (docs/architecture.md): a service given the acting
person (`by=`) checks what that person may do — through `units.access`, and
for the workflow's moves through the table in `change_areas.workflow` — and
refuses with PermissionDenied/Http404 (403/404) or a ValidationError that says
why. `by=None` is the system itself (a command, the demo, a migration) and is
trusted. Services that write many rows at once for the system
(`answers_save_many`) say in their docstring that the caller checks.

The package is split by what is written; import the functions from here.
"""

from change_areas.services.answers import AnswerConflict, answer_save, answers_save_many
from change_areas.services.assignments import (
    assignment_remove,
    assignment_set,
    cycle_notify_submitters,
    person_nudge,
    team_nudge,
)
from change_areas.services.cycles import (
    CAMPAIGN_DEFAULT_KINDS,
    campaign_open,
    campaign_set_proposal_deadline,
    cycle_open,
    cycle_refresh_summary,
)
from change_areas.services.evidence import (
    ALLOWED_EVIDENCE_TYPES,
    answer_evidence_set,
    evidence_replace,
    evidence_upload,
)
from change_areas.services.followups import (
    RECOMMENDING_LAYERS,
    follow_up_report,
    follow_up_verdict,
    recommendation_add,
    recommendation_delete,
    recommendations_released,
)
from change_areas.services.predicates import (
    mandiri_designation_add,
    predicate_award,
    predicate_revoke,
)
from change_areas.services.prerequisites import prerequisite_record_save
from change_areas.services.review import (
    UnchangedAnswers,
    comment_add,
    comment_side,
    copy_layer,
    cycle_decide,
    cycle_finalise_tpi,
    cycle_pass_pre_assessment,
    cycle_resubmit,
    cycle_return,
    cycle_set_wbk_by_instansi,
    cycle_submit,
    open_reviews,
    proposal_create,
    review_accept_open,
    review_mark,
)
from change_areas.services.schedules import (
    CAMPAIGN_OPTIONS,
    WINDOW_FIELDS,
    campaign_update,
    cycle_window_change,
)
from change_areas.services.work_plans import progress_entry_add, work_plan_item_save

__all__ = [
    "ALLOWED_EVIDENCE_TYPES",
    "CAMPAIGN_DEFAULT_KINDS",
    "CAMPAIGN_OPTIONS",
    "RECOMMENDING_LAYERS",
    "WINDOW_FIELDS",
    "AnswerConflict",
    "UnchangedAnswers",
    "answer_evidence_set",
    "answer_save",
    "answers_save_many",
    "assignment_remove",
    "assignment_set",
    "campaign_open",
    "campaign_set_proposal_deadline",
    "campaign_update",
    "comment_add",
    "comment_side",
    "copy_layer",
    "cycle_decide",
    "cycle_finalise_tpi",
    "cycle_notify_submitters",
    "cycle_open",
    "cycle_pass_pre_assessment",
    "cycle_refresh_summary",
    "cycle_resubmit",
    "cycle_return",
    "cycle_set_wbk_by_instansi",
    "cycle_submit",
    "cycle_window_change",
    "evidence_replace",
    "evidence_upload",
    "follow_up_report",
    "follow_up_verdict",
    "mandiri_designation_add",
    "open_reviews",
    "person_nudge",
    "predicate_award",
    "predicate_revoke",
    "prerequisite_record_save",
    "progress_entry_add",
    "proposal_create",
    "recommendation_add",
    "recommendation_delete",
    "recommendations_released",
    "review_accept_open",
    "review_mark",
    "team_nudge",
    "work_plan_item_save",
]
