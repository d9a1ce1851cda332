"""The person in charge of a work-plan activity becomes a person: where the text typed
matches the full name or the user name of someone holding a role on the cycle's unit
(or above it), that person is the assignee and the text is cleared; otherwise the text
stays, shown as a person in charge outside the team."""

from django.db import migrations


def _lineage(path: str, steplen: int = 4) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def forwards(apps, schema_editor):
    WorkPlanItem = apps.get_model("change_areas", "WorkPlanItem")
    Membership = apps.get_model("units", "Membership")
    items = WorkPlanItem.objects.exclude(person_in_charge="").select_related("cycle__unit")
    people_of: dict[int, dict[str, int]] = {}
    for item in items:
        unit = item.cycle.unit
        if unit.pk not in people_of:
            people = {}
            for membership in Membership.objects.filter(
                unit__path__in=_lineage(unit.path)
            ).select_related("user"):
                user = membership.user
                for name in (user.full_name, user.username):
                    if name:
                        people.setdefault(name.strip().casefold(), user.pk)
            people_of[unit.pk] = people
        match = people_of[unit.pk].get(item.person_in_charge.strip().casefold())
        if match:
            item.assignee_id = match
            item.person_in_charge = ""
            item.save(update_fields=["assignee", "person_in_charge"])


class Migration(migrations.Migration):
    dependencies = [
        ("change_areas", "0010_recommendations_assignments_and_assignees"),
        ("units", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
