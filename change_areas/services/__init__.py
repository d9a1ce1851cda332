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
from change_areas.services.cycles import (
    CAMPAIGN_DEFAULT_KINDS,
    campaign_open,
    cycle_open,
    cycle_refresh_summary,
)
from change_areas.services.evidence import (
    ALLOWED_EVIDENCE_TYPES,
    answer_evidence_set,
    answer_evidence_upload,
    evidence_replace,
    evidence_upload,
)
from change_areas.services.predicates import predicate_award, predicate_revoke
from change_areas.services.prerequisites import prerequisite_record_save
from change_areas.services.review import (
    comment_add,
    comment_side,
    copy_layer,
    cycle_decide,
    cycle_finalise_tpi,
    cycle_pass_pre_assessment,
    cycle_resubmit,
    cycle_return,
    cycle_submit,
    open_reviews,
    proposal_create,
    review_accept_open,
    review_mark,
)
from change_areas.services.work_plans import progress_entry_add, work_plan_item_save

__all__ = [
    "ALLOWED_EVIDENCE_TYPES",
    "CAMPAIGN_DEFAULT_KINDS",
    "AnswerConflict",
    "answer_evidence_set",
    "answer_evidence_upload",
    "answer_save",
    "answers_save_many",
    "campaign_open",
    "comment_add",
    "comment_side",
    "copy_layer",
    "cycle_decide",
    "cycle_finalise_tpi",
    "cycle_open",
    "cycle_pass_pre_assessment",
    "cycle_refresh_summary",
    "cycle_resubmit",
    "cycle_return",
    "cycle_submit",
    "evidence_replace",
    "evidence_upload",
    "open_reviews",
    "predicate_award",
    "predicate_revoke",
    "prerequisite_record_save",
    "progress_entry_add",
    "proposal_create",
    "review_accept_open",
    "review_mark",
    "work_plan_item_save",
]
