from collections import Counter

from django.db import migrations, models

STEP = 4  # treebeard's steplen for units


def count_descendants(apps, schema_editor):
    """Every unit's count of units below it, from the paths (each path counts for its prefixes)."""
    Unit = apps.get_model("units", "Unit")
    counts = Counter()
    for path in Unit.objects.values_list("path", flat=True).iterator(chunk_size=5000):
        for length in range(STEP, len(path), STEP):
            counts[path[:length]] += 1
    units = []
    for unit in Unit.objects.only("pk", "path").iterator(chunk_size=5000):
        if counts[unit.path]:
            unit.descendant_count = counts[unit.path]
            units.append(unit)
    Unit.objects.bulk_update(units, ["descendant_count"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="descendant_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="jumlah unit di bawahnya"
            ),
        ),
        migrations.RunPython(count_descendants, migrations.RunPython.noop),
    ]
