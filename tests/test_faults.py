"""Faults: an import cut off half-way writes nothing. (A print job whose worker was killed
is in tests/declarations/test_printing.py.)"""

from unittest import mock

import pytest
import tablib

from change_areas import lke
from change_areas.models import Answer, Layer
from change_areas.services import answers as answer_services
from lib.imports import import_dataset
from tests.factories import AnswerFactory, CycleFactory, UnitFactory
from units.models import Unit
from units.resources import UnitResource


def test_an_lke_import_cut_off_half_way_writes_nothing(catalogs, unit):
    source = CycleFactory(unit=unit, year=2025)
    for code, option in (("A.MP.PMN.i.a", "Ya"), ("A.MP.PMN.i.b", "A"), ("A.MP.PMN.ii.a", "Ya")):
        AnswerFactory(cycle=source, code=code, option=option)
    dataset = tablib.Dataset().load(
        lke.export_dataset(source, Layer.SELF).export("csv"), format="csv"
    )
    target = CycleFactory(unit=UnitFactory(code="TARGET"), year=2025)

    # The answers are written, then the connection drops before the summary is stored.
    with (
        mock.patch.object(
            answer_services, "cycle_refresh_summary", side_effect=ConnectionError("dropped")
        ),
        pytest.raises(ConnectionError),
    ):
        lke.import_dataset(target, Layer.SELF, dataset)
    assert not Answer.objects.filter(cycle=target).exists()
    assert not Answer.history.filter(cycle_id=target.pk).exists()
    target.refresh_from_db()
    assert float(target.self_total) == 0


def test_a_unit_import_cut_off_half_way_writes_nothing(db):
    dataset = tablib.Dataset(headers=["code", "name", "kind", "parent"])
    for number in range(5):
        dataset.append([f"X{number}", f"Unit {number}", "satker", ""])
    real = Unit.objects.add_root
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("worker killed")
        return real(*args, **kwargs)

    with mock.patch.object(Unit.objects, "add_root", side_effect=dying):
        report = import_dataset(UnitResource(), dataset)
    assert not report.ok
    assert not Unit.objects.filter(code__startswith="X").exists()
