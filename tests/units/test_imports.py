"""Unit, user and membership imports: all rows or none, errors named by row."""

import tablib

from lib.imports import import_dataset
from tests.factories import UnitFactory, UserFactory
from units.models import Membership, Role, Unit
from units.resources import MembershipResource, UnitResource

HEADERS = ["code", "name", "kind", "parent", "province", "regency", "head_name", "head_nip"]


def dataset(rows, headers=HEADERS):
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


def test_units_import_creates_a_tree_in_file_order(db):
    rows = [
        (
            "PEMDA",
            "Pemerintah Kota Contoh",
            "pemerintah_daerah",
            "",
            "Papua Barat Daya",
            "Kota Sorong",
            "",
            "",
        ),
        (
            "DINAS-A",
            "Dinas A",
            "Organisasi Perangkat Daerah",
            "PEMDA",
            "",
            "",
            "Ibu Kepala",
            "198002142003122002",
        ),
        ("UPT-A1", "UPT A1", "upt", "DINAS-A", "", "", "", ""),
    ]
    report = import_dataset(UnitResource(), dataset(rows))
    assert report.ok, report.errors
    assert report.created == 3
    upt = Unit.objects.get(code="UPT-A1")
    assert [unit.code for unit in upt.ancestors()] == ["PEMDA", "DINAS-A"]
    assert Unit.objects.get(code="DINAS-A").kind == "opd"  # the label was accepted


def test_one_bad_row_rejects_the_whole_unit_file_and_names_the_row(db):
    rows = [
        ("PEMDA", "Pemerintah Kota Contoh", "pemerintah_daerah", "", "", "", "", ""),
        ("DINAS-A", "Dinas A", "dinas", "PEMDA", "", "", "", ""),  # unknown kind
        ("DINAS-B", "Dinas B", "opd", "TIDAK-ADA", "", "", "", ""),  # unknown parent
        ("DINAS-C", "Dinas C", "opd", "PEMDA", "", "", "Kepala", "12345"),  # bad NIP
    ]
    report = import_dataset(UnitResource(), dataset(rows))
    assert not report.ok
    assert not Unit.objects.exists()
    text = "\n".join(report.errors)
    assert "Baris 3" in text and "dinas" in text
    assert "Baris 4" in text and "TIDAK-ADA" in text
    assert "Baris 5" in text and "18 angka" in text
    assert "Baris 2" not in text


def test_reimporting_the_export_changes_nothing(unit, other_unit):
    exported = UnitResource().export()
    report = import_dataset(UnitResource(), exported)
    assert report.ok, report.errors
    assert report.created == 0 and report.updated == 0
    assert report.unchanged == Unit.objects.count()


def test_export_names_parents_without_a_query_per_row(db, django_assert_max_num_queries):
    root = UnitFactory(code="ROOT")
    for number in range(30):
        UnitFactory(code=f"C{number}", parent=root)
    with django_assert_max_num_queries(3):
        exported = UnitResource().export(queryset=Unit.objects.all())
    parents = dict(zip(exported["code"], exported["parent"], strict=True))
    assert parents["C7"] == "ROOT" and parents["ROOT"] == ""


def test_import_can_move_a_unit_to_another_parent(unit, other_unit, province):
    rows = [(unit.code, unit.name, "satker", other_unit.code, "", "", "", "")]
    report = import_dataset(UnitResource(), dataset(rows))
    assert report.ok, report.errors
    unit.refresh_from_db()
    assert unit.path.startswith(other_unit.path)


def test_memberships_import_and_reject_unknown_people(unit):
    UserFactory(username="budi")
    good = dataset([("budi", "UNIT", "Penilai TPI")], headers=["username", "unit", "role"])
    report = import_dataset(MembershipResource(), good)
    assert report.ok, report.errors
    assert Membership.objects.get(user__username="budi").role == Role.TPI_REVIEWER

    bad = dataset(
        [("budi", "UNIT", "viewer"), ("siapa", "UNIT", "staff")],
        headers=["username", "unit", "role"],
    )
    report = import_dataset(MembershipResource(), bad)
    assert not report.ok
    assert "Baris 3" in report.errors[0] and "siapa" in report.errors[0]
    assert Membership.objects.filter(user__username="budi").count() == 1


def test_a_code_that_differs_only_in_case_is_refused_by_row(unit):
    rows = [("uNiT", "Satker Tiruan", "satker", "", "", "", "", "")]

    report = import_dataset(UnitResource(), dataset(rows))

    assert not report.ok
    assert report.errors == [
        "Baris 2: code: Kode uNiT sudah dipakai Satker Contoh (UNIT); huruf besar dan kecil "
        "dianggap sama."
    ]
    assert not Unit.objects.filter(name="Satker Tiruan").exists()
