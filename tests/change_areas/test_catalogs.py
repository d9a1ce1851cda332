"""The shipped regulation catalogs: content matches the regulation, loading is idempotent."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from change_areas.catalog import CatalogError, load_catalog, read_catalog
from change_areas.models import (
    AnswerType,
    Area,
    Component,
    Framework,
    FrameworkKind,
    Indicator,
    Part,
    Question,
    QuestionInput,
    ThresholdRule,
)
from change_areas.resources import QuestionResource
from lib.imports import import_dataset

CATALOGS = Path(settings.ZI_CATALOG_DIR)

# Indicator weights of PermenPAN-RB 90/2021 Lampiran III, typed from the regulation's tables.
WEIGHTS_90 = {
    "A.MP.PMN": [0.5, 1, 1, 1.5],
    "A.TL.PMN": [1, 2, 0.5],
    "A.SDM.PMN": [0.25, 0.5, 1.25, 2, 0.75, 0.25],
    "A.AK.PMN": [2.5, 2.5],
    "A.PW.PMN": [1.5, 1.5, 1.5, 1.5, 1.5],
    "A.PP.PMN": [1, 1, 1, 1, 1],
    "A.MP.RFM": [2, 1, 1],
    "A.TL.RFM": [0.5, 1, 2],
    "A.SDM.RFM": [1.5, 1.5, 2],
    "A.AK.RFM": [2, 1.5, 1.5],
    "A.PW.RFM": [2.5, 3, 2],
    "A.PP.RFM": [2.5, 2.5],
}
AREA_WEIGHTS_90 = {"A.MP": 8, "A.TL": 7, "A.SDM": 10, "A.AK": 10, "A.PW": 15, "A.PP": 10}
AREA_WEIGHTS_52 = {"A.MP": 5, "A.TL": 5, "A.SDM": 15, "A.AK": 10, "A.PW": 15, "A.PP": 10}


V2021 = "permenpan-rb-90-2021"
V2026 = "permenpan-rb-90-2021-lke-2026"


def in_2021(model):
    return model.objects.filter(framework__code=V2021)


def test_90_2021_has_six_areas_110_scored_questions_and_three_hasil_items(catalogs):
    framework = catalogs["permenpan-rb-90-2021"]
    assert not framework.is_current and framework.kind == FrameworkKind.LKE
    assert catalogs[V2026].is_current and catalogs[V2026].supersedes == framework
    pengungkit = Component.objects.get(framework=framework, code="A")
    hasil = Component.objects.get(framework=framework, code="B")
    assert (pengungkit.weight, hasil.weight) == (60, 40)
    areas = {area.code: area.weight for area in Area.objects.filter(component=pengungkit)}
    assert areas == AREA_WEIGHTS_90
    scored = Question.objects.filter(framework=framework, indicator__area__component=pengungkit)
    assert scored.count() == 110
    assert scored.filter(answer_type=AnswerType.PERSEN).count() == 8
    assert QuestionInput.objects.filter(framework=framework).count() == 24
    assert (
        Question.objects.filter(framework=framework, indicator__area__component=hasil).count() == 3
    )
    by_type = {
        answer_type: scored.filter(answer_type=answer_type).count()
        for answer_type in ("ya_tidak", "abc", "abcd", "abcde")
    }
    assert by_type == {"ya_tidak": 17, "abc": 36, "abcd": 33, "abcde": 16}


def test_90_2021_weights_match_the_regulation(catalogs):
    framework = catalogs["permenpan-rb-90-2021"]
    parts = {part.code: part for part in Part.objects.filter(framework=framework)}
    assert sum(p.weight for p in parts.values() if p.kind == "pemenuhan") == 30
    assert sum(p.weight for p in parts.values() if p.kind == "reform") == 30
    for area_code, weight in AREA_WEIGHTS_90.items():
        assert (
            parts[f"{area_code}.PMN"].weight
            == parts[f"{area_code}.RFM"].weight
            == Decimal(weight) / 2
        )
    for part_code, weights in WEIGHTS_90.items():
        indicators = in_2021(Indicator).filter(part__code=part_code, parent=None).order_by("order")
        assert [float(i.weight) for i in indicators] == weights, part_code
    subs = in_2021(Indicator).filter(parent__code="A.PW.RFM.iii").order_by("order")
    assert [(i.code, i.weight) for i in subs] == [
        ("A.PW.RFM.iii.LHKPN", 1),
        ("A.PW.RFM.iii.LHKASN", 1),
    ]
    hasil = {
        i.code: i.weight
        for i in Indicator.objects.filter(framework=framework, area__code__startswith="B.")
    }
    assert hasil == {"B.BBA.a": Decimal("17.5"), "B.BBA.b": 5, "B.PPP.a": Decimal("17.5")}


def test_90_2021_codes_values_and_rules_are_data(catalogs):
    question = in_2021(Question).get(code="A.MP.RFM.i.a")
    assert question.value_rule == {
        "kind": "ratio",
        "numerator": "n2",
        "denominator": "n1",
        "cap": 1,
        "if_zero_denominator": 0,
    }
    assert [i.code for i in question.inputs.order_by("order")] == [
        "A.MP.RFM.i.a.n1",
        "A.MP.RFM.i.a.n2",
    ]
    discipline = in_2021(Question).get(code="A.SDM.RFM.iii.a")
    assert discipline.value_rule["kind"] == "decrease"
    lhkpn = in_2021(QuestionInput).get(code="A.PW.RFM.iii.LHKPN.a.n1")
    assert lhkpn.computed == {"sum": ["n2", "n3", "n4"]}
    abcd = in_2021(Question).get(code="A.MP.PMN.iii.a")
    assert [(o.key, o.value) for o in abcd.options.order_by("order")] == [
        ("A", Decimal("1")),
        ("B", Decimal("0.67")),
        ("C", Decimal("0.33")),
        ("D", Decimal("0")),
    ]


def test_90_2021_thresholds(catalogs):
    rules = {
        (rule.predicate, rule.code): rule
        for rule in ThresholdRule.objects.filter(framework=catalogs["permenpan-rb-90-2021"])
    }
    assert rules[("wbk", "total")].minimum == 75
    assert rules[("wbbm", "total")].minimum == 85
    assert rules[("wbk", "pengungkit")].minimum == 40
    assert rules[("wbbm", "pengungkit")].minimum == 48
    assert (rules[("wbk", "area")].minimum, rules[("wbk", "area")].scope) == (
        Decimal("0.6"),
        "area",
    )
    assert rules[("wbbm", "area")].minimum == Decimal("0.75")
    assert rules[("wbbm", "bersih-akuntabel")].minimum == Decimal("19.5")
    assert rules[("wbbm", "capaian-kinerja")].minimum == Decimal("3.75")
    assert rules[("wbbm", "predikat-wbk")].target == "wbk"


def test_52_2014_has_six_areas_adding_up_to_60_and_40(catalogs):
    framework = catalogs["permenpan-rb-52-2014"]
    areas = Area.objects.filter(framework=framework)
    assert {a.code: a.weight for a in areas if a.code.startswith("A.")} == AREA_WEIGHTS_52
    assert sum(a.weight for a in areas if a.code.startswith("B.")) == 40
    assert not Part.objects.filter(framework=framework).exists()
    tlhp = Question.objects.get(framework=framework, code="B.KKN.2.a")
    assert tlhp.answer_type == AnswerType.PERSENTASE
    assert "enam area" in framework.description.lower() or "ENAM area" in framework.description


def test_eight_rb_areas_are_a_work_plan_framework_without_lke(catalogs):
    framework = catalogs["reformasi-birokrasi-8-area"]
    assert framework.kind == FrameworkKind.WORK_PLAN
    assert Area.objects.filter(framework=framework).count() == 8
    assert not Question.objects.filter(framework=framework).exists()
    assert "Deregulasi" in " ".join(
        Area.objects.filter(framework=framework).values_list("name", flat=True)
    )


def test_second_load_changes_nothing_and_says_so(catalogs, capsys):
    call_command("load_catalogs")
    output = capsys.readouterr().out
    assert "permenpan-rb-90-2021-lke-2026 v1: tidak berubah" in output
    assert "Katalog sudah mutakhir; tidak ada yang berubah." in output


def _write_variant(tmp_path, change) -> Path:
    data = yaml.safe_load((CATALOGS / "permenpan-rb-90-2021.yaml").read_text())
    change(data)
    path = tmp_path / "permenpan-rb-90-2021.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def _question(data, code):
    for component in data["components"]:
        for area in component["areas"]:
            for part in area.get("parts", [{"indicators": area.get("indicators", [])}]):
                for indicator in part["indicators"]:
                    for sub in [indicator, *indicator.get("sub_indicators", [])]:
                        for question in sub.get("questions", []):
                            if question["code"] == code:
                                return sub, question
    raise KeyError(code)


def test_changed_file_updates_in_place_keeping_ids(catalogs, tmp_path, capsys):
    question = in_2021(Question).get(code="A.MP.PMN.i.a")

    def change(data):
        data["version"] = 3
        _question(data, "A.MP.PMN.i.a")[1]["text"] = "Teks baru dari versi 3"

    call_command("load_catalogs", str(_write_variant(tmp_path, change)))
    assert "diperbarui — diubah 1 pertanyaan" in capsys.readouterr().out
    reloaded = in_2021(Question).get(code="A.MP.PMN.i.a")
    assert reloaded.pk == question.pk and reloaded.text == "Teks baru dari versi 3"
    assert reloaded.history.first().history_change_reason.startswith("load_catalogs")


def test_admin_edits_survive_a_reload_until_the_file_changes_that_row(catalogs, tmp_path):
    edited = in_2021(Question).get(code="A.MP.PMN.ii.a")
    edited.text = "Disunting admin"
    edited.save()

    def change(data):
        data["version"] = 3
        _question(data, "A.MP.PMN.i.a")[1]["text"] = "Perubahan lain"

    call_command("load_catalogs", str(_write_variant(tmp_path, change)), verbosity=0)
    assert in_2021(Question).get(code="A.MP.PMN.ii.a").text == "Disunting admin"


def test_question_removed_from_the_file_is_removed(catalogs, tmp_path):
    def change(data):
        data["version"] = 3
        indicator, question = _question(data, "A.MP.PMN.ii.c")
        indicator["questions"].remove(question)

    call_command("load_catalogs", str(_write_variant(tmp_path, change)), verbosity=0)
    assert not in_2021(Question).filter(code="A.MP.PMN.ii.c").exists()


def test_a_file_whose_weights_do_not_add_up_is_refused_and_loads_nothing(db, tmp_path):
    def change(data):
        data["code"] = "katalog-rusak"
        data["components"][0]["areas"][0]["weight"] = 9

    with pytest.raises(CommandError) as caught:
        call_command("load_catalogs", str(_write_variant(tmp_path, change)))
    assert "bobot area A berjumlah 61, bukan 60" in str(caught.value)
    assert "baris " in str(caught.value)
    assert not Framework.objects.filter(code="katalog-rusak").exists()


def test_rule_naming_an_unknown_input_is_refused(tmp_path):
    def change(data):
        _question(data, "A.MP.RFM.i.a")[1]["rule"]["numerator"] = "n9"

    with pytest.raises(
        CatalogError, match=r"baris \d+: 'n9' bukan salah satu isian \['n1', 'n2'\]"
    ):
        read_catalog(_write_variant(tmp_path, change))


def test_catalog_questions_export_and_import_back(catalogs):
    exported = QuestionResource().export(
        queryset=in_2021(Question).filter(indicator__code="A.MP.PMN.i")
    )
    assert exported["code"] == ["A.MP.PMN.i.a", "A.MP.PMN.i.b"]
    exported[0] = [
        "Pertanyaan disunting di Excel" if header == "text" else value
        for header, value in zip(exported.headers, exported[0], strict=True)
    ]
    report = import_dataset(QuestionResource(), exported)
    assert report.ok, report.errors
    assert report.updated == 1
    assert in_2021(Question).get(code="A.MP.PMN.i.a").text == "Pertanyaan disunting di Excel"


def test_load_catalog_force_rewrites_admin_edits(catalogs):
    edited = in_2021(Question).get(code="A.MP.PMN.ii.a")
    edited.text = "Disunting admin"
    edited.save()
    result = load_catalog(read_catalog(CATALOGS / "permenpan-rb-90-2021.yaml"), force=True)
    assert result.changed
    assert in_2021(Question).get(code="A.MP.PMN.ii.a").text.startswith("Terdapat dokumen")


def test_an_unquoted_comma_that_splits_a_value_is_caught(tmp_path):
    path = tmp_path / "broken.yaml"
    text = (CATALOGS / "permenpan-rb-90-2021.yaml").read_text()
    path.write_text(
        text.replace(
            'label: "Pelayanan Publik yang Prima (indeks 3,20)"', "label: Pelayanan (indeks 3,20)"
        )
    )
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    line = text.splitlines().index(
        next(
            line
            for line in text.splitlines()
            if "Pelayanan Publik yang Prima (indeks 3,20)" in line
        )
    )
    assert f"baris {line + 1}: thresholds.wbk[6]" in str(caught.value)
    assert "kunci tidak dikenal" in str(caught.value)


# --------------------------------------------------------------------------
# The 2026 version beside the 2021 original


def test_2026_version_differs_from_2021_only_where_the_reference_says(catalogs):
    """D1–D14 of the LKE changes 2021 → 2026: the Non LHKPN block, its legal basis, eight
    labels and two typing slips; weights, scales and thresholds the same."""
    old, new = catalogs[V2021], catalogs[V2026]
    assert new.code_map["A.PW.RFM.iii.LHKASN.a"] == "A.PW.RFM.iii.NONLHKPN.a"
    renamed = Indicator.objects.get(framework=new, code="A.PW.RFM.iii.NONLHKPN")
    assert renamed.name == "Penyampaian Laporan Harta Kekayaan Non LHKPN (Tidak Wajib LHKPN)"
    lhkpn = Question.objects.get(framework=new, code="A.PW.RFM.iii.LHKPN.a")
    assert "7. SE Menteri PANRB No. 2 Tahun 2023" in lhkpn.criterion
    non = Question.objects.get(framework=new, code="A.PW.RFM.iii.NONLHKPN.a")
    assert non.criterion == lhkpn.criterion
    labels = dict(QuestionInput.objects.filter(question=non).values_list("key", "label"))
    assert labels["n5"] == "Jumlah Total yang sudah melaporkan Non LHKPN"
    assert (
        Question.objects.get(framework=new, code="A.PW.PMN.iv.a").text
        == "Whistle-Blowing System telah diterapkan"
    )

    def weights(framework):
        return sorted(
            (new.code_map.get(i.code, i.code), i.weight)
            for i in Indicator.objects.filter(framework=framework)
        )

    assert weights(old) == weights(new)
    assert sorted(
        ThresholdRule.objects.filter(framework=old).values_list("predicate", "code", "minimum")
    ) == sorted(
        ThresholdRule.objects.filter(framework=new).values_list("predicate", "code", "minimum")
    )


def test_a_renamed_code_missing_from_the_superseded_version_is_refused(catalogs, tmp_path):
    data = yaml.safe_load((CATALOGS / f"{V2026}.yaml").read_text())
    data["version"] = 2
    data["renamed"]["A.TIDAK.ADA"] = "A.PW.RFM.iii.NONLHKPN"
    path = tmp_path / f"{V2026}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with pytest.raises(
        CommandError, match=r"kode lama 'A\.TIDAK\.ADA' tidak ada di permenpan-rb-90-2021"
    ):
        call_command("load_catalogs", str(path))
    assert Framework.objects.get(code=V2026).version == 1


# --------------------------------------------------------------------------
# The schema: every error with its line


def _catalog_text(**changes) -> str:
    text = (Path(__file__).parent / "catalogs" / "uji-enam-pilihan.yaml").read_text()
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("old", "new", "line_of", "message"),
    [
        ("type: abcdef, weight: 2}", "type: abcdef, weight: dua}", "A.X.i.a", "harus angka"),
        (
            "    kind: pengungkit\n",
            "    kind: pendorong\n",
            "kind: pendorong",
            "harus salah satu dari",
        ),
        (
            "            name: Pengaduan\n",
            "            nama: Pengaduan\n",
            "nama: Pengaduan",
            "kunci tidak dikenal",
        ),
        (
            "type: skala_1_5}",
            "type: skala_1_7}",
            "B.S.a.1",
            "jenis jawaban 'skala_1_7' tidak dikenal",
        ),
        (
            "(n2 + 0.5 * n3) / n1",
            "(n2 + 0.5 * n4) / n1",
            "expression:",
            "'n4' bukan salah satu isian",
        ),
        (
            "min(1, (n2",
            "__import__('os') or min(1, (n2",
            "expression:",
            "hanya boleh memanggil fungsi",
        ),
        (
            "kind: min_indicator_share, target: A",
            "kind: min_indikator, target: A",
            "min_indikator",
            "jenis 'min_indikator' tidak dikenal",
        ),
        (
            "({share}) di bawah",
            "({persen}) di bawah",
            "message:",
            "penanda ['persen'] tidak dikenal",
        ),
    ],
)
def test_schema_errors_name_their_line(tmp_path, old, new, line_of, message):
    text = _catalog_text(**{old: new})
    path = tmp_path / "uji.yaml"
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if line_of in row)
    with pytest.raises(CatalogError) as caught:
        read_catalog(path)
    problems = caught.value.problems
    assert any(p.startswith(f"baris {line}:") and message in p for p in problems), problems


def test_a_six_option_scale_is_an_answer_type_like_any_other(db, tmp_path):
    path = tmp_path / "uji.yaml"
    path.write_text(_catalog_text())
    catalog = read_catalog(path)
    options = [
        (record["key"], record["value"])
        for key, record in catalog.records["option"].items()
        if key.startswith("A.X.i.a:")
    ]
    assert options == [("A", 1.0), ("B", 0.8), ("C", 0.6), ("D", 0.4), ("E", 0.2), ("F", 0.0)]
    assert catalog.records["question"]["A.X.i.a"]["weight"] == 2
    assert catalog.records["question"]["B.S.a.1"]["number_max"] == 5
