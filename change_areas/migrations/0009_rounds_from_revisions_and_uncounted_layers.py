"""Data for review in rounds and for layers that count only once final.

- A cycle in the old stage "perbaikan" goes back to the review stage of the layer
  that returned its questions; those questions become "dikembalikan" and form the
  layer's next round (their "before" is the unit's answer as it stands now, the
  closest the old data can tell).
- A reviewer layer's dashboard columns and per-area rows are emptied where the
  layer is not final (TPI) or not decided (TPN): they held the prefilled copy.
"""

from django.db import migrations

REVIEW_STAGE = {"pre": "penilaian_pendahuluan", "tpi": "evaluasi_tpi"}


def snapshot(answer):
    if answer is None:
        return {"option": "", "number": None, "inputs": {}, "note": "", "evidence": []}
    return {
        "option": answer.option or "",
        "number": None if answer.number is None else float(answer.number),
        "inputs": dict(sorted((answer.inputs or {}).items())),
        "note": answer.note or "",
        "evidence": sorted([document.pk, document.title] for document in answer.evidence.all()),
    }


def forwards(apps, schema_editor):
    Cycle = apps.get_model("change_areas", "Cycle")
    QuestionReview = apps.get_model("change_areas", "QuestionReview")
    ReviewRound = apps.get_model("change_areas", "ReviewRound")
    ReturnedQuestion = apps.get_model("change_areas", "ReturnedQuestion")
    Answer = apps.get_model("change_areas", "Answer")
    CycleAreaScore = apps.get_model("change_areas", "CycleAreaScore")

    for cycle in Cycle.objects.filter(stage="perbaikan"):
        layer = cycle.revision_layer or "tpi"
        reviews = list(QuestionReview.objects.filter(cycle=cycle, layer=layer, status="perlu_perbaikan"))
        last = (
            ReviewRound.objects.filter(cycle=cycle, layer=layer).order_by("-number").first()
        )
        review_round = ReviewRound.objects.create(
            cycle=cycle, layer=layer, number=(last.number if last else 0) + 1
        )
        for review in reviews:
            answer = Answer.objects.filter(
                cycle=cycle, layer="self", question_id=review.question_id
            ).first()
            ReturnedQuestion.objects.create(
                round=review_round,
                question_id=review.question_id,
                reason=review.reason,
                before=snapshot(answer),
            )
            review.status = "dikembalikan"
            review.save(update_fields=["status"])
        cycle.stage = REVIEW_STAGE.get(layer, "evaluasi_tpi")
        cycle.revision_layer = layer if reviews else ""
        cycle.save(update_fields=["stage", "revision_layer"])

    Cycle.objects.filter(tpi_finalised_at__isnull=True).update(
        tpi_total=None, tpi_completeness=None, tpi_wbk_eligible=None, tpi_wbbm_eligible=None
    )
    CycleAreaScore.objects.filter(layer="tpi", cycle__tpi_finalised_at__isnull=True).delete()
    Cycle.objects.filter(decided_at__isnull=True).update(
        tpn_total=None, tpn_completeness=None, tpn_wbk_eligible=None, tpn_wbbm_eligible=None
    )
    CycleAreaScore.objects.filter(layer="tpn", cycle__decided_at__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("change_areas", "0008_review_rounds")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
