from collections import Counter, defaultdict

from django.db import migrations, models

STEP = 4  # treebeard's steplen for units


def count_provinces(apps, schema_editor):
    """Every unit's count of units per province in its subtree (itself included), from the
    paths: each unit counts for its own path and every prefix of it."""
    Unit = apps.get_model("units", "Unit")
    counts: dict[str, Counter] = defaultdict(Counter)
    for path, province in (
        Unit.objects.exclude(province="").values_list("path", "province").iterator(chunk_size=5000)
    ):
        for length in range(STEP, len(path) + 1, STEP):
            counts[path[:length]][province] += 1
    units = []
    for unit in Unit.objects.only("pk", "path").iterator(chunk_size=5000):
        if counts[unit.path]:
            unit.province_counts = dict(counts[unit.path])
            units.append(unit)
    Unit.objects.bulk_update(units, ["province_counts"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0007_unit_code_unique_ignoring_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="province_counts",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(count_provinces, migrations.RunPython.noop),
    ]
