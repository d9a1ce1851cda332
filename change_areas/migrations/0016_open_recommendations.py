from django.db import migrations, models

from change_areas import tallies


def fill_tallies(apps, schema_editor):
    """The tallies of the cycles already there, with their open recommendations.

    Only where something is missing: cycles never tallied (from before 0014) or open
    recommendations (from before this field). A new installation has neither, nor has a
    `seed_benchmark` dataset, whose tallies were written as it was built.
    """
    names = (
        "Cycle", "CycleAreaScore", "Answer", "BranchTally", "CalibrationTally", "Recommendation",
    )  # fmt: skip
    models_now = {name: apps.get_model("change_areas", name) for name in names}
    models_now["Unit"] = apps.get_model("units", "Unit")
    untallied = models_now["Cycle"].objects.filter(tallied={}).exists()
    waiting = models_now["Recommendation"].objects.exclude(status="done").exists()
    if untallied or waiting:
        tallies.rebuild(models=models_now)


class Migration(migrations.Migration):
    dependencies = [
        ("change_areas", "0015_plausible_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="open_recommendations",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(fill_tallies, migrations.RunPython.noop),
    ]
