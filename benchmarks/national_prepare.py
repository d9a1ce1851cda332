"""The people and documents benchmarks/national.py measures pages with, on one dataset.

    DATABASE_URL=… .venv/bin/python benchmarks/national_prepare.py

Run by benchmarks/national.py on each `seed_benchmark` dataset (never on a real database:
it sets known passwords). Adds, when missing: a leadership viewer of the whole instansi, a
TPI reviewer of a province, the coordinators of two units whose self-assessment is open,
a library of 1 document for one of those units and of 500 for the other (rows sharing one
stored file), and three work-plan activities in the measured area of each. Prints, as
JSON, the people and the pages to visit.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import django
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")
django.setup()

from benchmarks import data as benchmark_data  # noqa: E402
from benchmarks.national import AREA, LIBRARY_LARGE, LIBRARY_SMALL, PASSWORD  # noqa: E402
from change_areas.models import Cycle, Evidence, Stage, WorkPlanItem  # noqa: E402
from tests.factories import WorkPlanItemFactory, grow_library  # noqa: E402
from units.models import Membership, Role, Unit, User  # noqa: E402


def prepare() -> dict:
    """The people and libraries the pages are measured with; prints where the pages are."""
    root = Unit.objects.get(code=benchmark_data.ROOT_CODE)
    province = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).first()
    year = Cycle.objects.filter(unit__path__startswith=root.path).latest("year").year
    open_cycles = Cycle.objects.filter(
        unit__path__startswith=root.path,
        unit__numchild=0,
        year=year,
        stage=Stage.PENILAIAN_MANDIRI,
    ).order_by("unit__path")
    small, large = open_cycles[0], open_cycles[1]

    def person(username: str, unit: Unit, role: str) -> str:
        user, _created = User.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
        return username

    def library(unit: Unit, size: int) -> None:
        if not Evidence.objects.filter(unit=unit).exists():
            grow_library(unit, size)

    def activities(cycle: Cycle) -> None:
        if cycle.work_plan_framework is None:
            return
        area = cycle.work_plan_framework.areas.filter(code=AREA).first()
        if area is None:
            return
        for number in range(3 - WorkPlanItem.objects.filter(cycle=cycle, area=area).count()):
            WorkPlanItemFactory(cycle=cycle, area_code=AREA, activity=f"Kegiatan {number + 1}")

    people = {
        "viewer": person("bench-viewer", root, Role.VIEWER),
        "tpi": person("bench-tpi", province, Role.TPI_REVIEWER),
        "small": person("bench-coordinator-1", small.unit, Role.COORDINATOR),
        "large": person("bench-coordinator-500", large.unit, Role.COORDINATOR),
    }
    library(small.unit, LIBRARY_SMALL)
    library(large.unit, LIBRARY_LARGE)
    for cycle in (small, large):
        activities(cycle)
    leaf = Unit.objects.filter(path__startswith=province.path, numchild=0).last()
    units = Unit.objects.filter(path__startswith=root.path).count()

    def page(name: str, **kwargs) -> str:
        return reverse(name, kwargs=kwargs)

    portfolio = page("dashboards:portfolio", code=root.code)
    pages = [
        ("root portfolio", "viewer", portfolio),
        ("root portfolio, eligible (TPI), by score", "viewer",
         f"{portfolio}?eligibility=wbk_tpi&sort=tpi&order=desc"),
        ("province portfolio", "viewer", page("dashboards:portfolio", code=province.code)),
        ("root calibration", "viewer", page("dashboards:calibration", code=root.code)),
        ("province calibration", "viewer", page("dashboards:calibration", code=province.code)),
        ("unit dashboard", "viewer", page("dashboards:unit", code=leaf.code)),
        ("home (leadership viewer, national)", "viewer", page("home")),
        ("home (TPI reviewer, province)", "tpi", page("home")),
        (f"area page {AREA}, library of {LIBRARY_SMALL}", "small",
         page("change_areas:area", pk=small.pk, area_code=AREA)),
        (f"area page {AREA}, library of {LIBRARY_LARGE}", "large",
         page("change_areas:area", pk=large.pk, area_code=AREA)),
        ("cycle overview (scorecard)", "small", page("change_areas:cycle_overview", pk=small.pk)),
        ("public registry", None, page("dashboards:registry")),
    ]  # fmt: skip
    return {"units": units, "year": year, "people": people, "pages": pages}


if __name__ == "__main__":
    print(json.dumps(prepare()))
