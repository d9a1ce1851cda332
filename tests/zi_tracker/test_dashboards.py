"""Dashboards: constant queries with one unit and with many, the figures they show,
the xlsx and PDF exports, the public registry and the home page by role."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from benchmarks import data as benchmark_data
from change_areas import services, tallies
from change_areas.models import (
    OPTION_ANSWER_TYPES,
    Cycle,
    Framework,
    Layer,
    Question,
    Stage,
)
from tests.clock import noon
from tests.factories import (
    CycleFactory,
    DeclarationFactory,
    MembershipFactory,
    PredicateAwardFactory,
    UnitFactory,
    WitnessFactory,
    WorkPlanItemFactory,
    member,
)
from tests.pdfs import pdf_text
from units.models import Role, Unit, UnitKind
from zi_tracker.dashboards import charts, home, selectors
from zi_tracker.models import ExportJob


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def answer_everything(cycle: Cycle, layer: str = Layer.SELF, option: str = "A") -> None:
    """Every option question answered with the same option (Ya for yes/no)."""
    from change_areas import scoring
    from change_areas import selectors as ca_selectors

    spec = ca_selectors.catalog_spec(cycle.framework)
    answers = {}
    for question in spec.questions:
        if question.options:
            key = option if option in question.options else next(iter(question.options))
            answers[question.code] = (scoring.AnswerData(option=key), "")
    services.answers_save_many(cycle=cycle, layer=layer, answers=answers, spec=spec)


@pytest.fixture
def small_world(catalogs):
    """One instansi with one office holding one cycle: the smallest portfolio."""
    root = UnitFactory(code="SOLO", name="Instansi Kecil", kind=UnitKind.KEMENTERIAN_LEMBAGA)
    office = UnitFactory(
        code="SOLO-1", name="Kantor Tunggal", parent=root, kind=UnitKind.INSTANSI_VERTIKAL
    )
    leaf = UnitFactory(code="SOLO-1-1", name="UPT Tunggal", parent=office, kind=UnitKind.UPT)
    cycle = CycleFactory(unit=leaf)
    answer_everything(cycle)
    answer_everything(cycle, Layer.TPI, option="B")
    # The TPI has finalised its evaluation (as `cycle_finalise_tpi` leaves it): only now do its
    # figures count, in the stored columns, the tallies and the calibration pairs.
    Cycle.objects.filter(pk=cycle.pk).update(
        stage=Stage.PENGUSULAN, tpi_finalised_at=noon(datetime.date(2026, 6, 1))
    )
    cycle = Cycle.objects.select_related("unit").get(pk=cycle.pk)
    services.cycle_refresh_summary(cycle=cycle, layer=Layer.TPI)
    tallies.calibrate(cycle)
    PredicateAwardFactory(
        unit=leaf, year=2025, decree_number="KEP/1/2025", decree_date=datetime.date(2025, 12, 1)
    )
    return {"root": root, "province": office, "leaf": leaf, "cycle": cycle}


@pytest.fixture
def large_world(catalogs, time_machine):
    """The benchmark builder at a small size: an instansi, provinces, regencies and UPTs,
    built (and looked at) on 1 August 2026."""
    time_machine.move_to(noon(datetime.date(2026, 8, 1)), tick=False)
    counts = benchmark_data.seed(units=120, years=2, log=lambda message: None)
    root = Unit.objects.get(code=benchmark_data.ROOT_CODE)
    province = Unit.objects.filter(path__startswith=root.path, depth=2).first()
    leaf = Unit.objects.filter(path__startswith=province.path, numchild=0).last()
    return {"root": root, "province": province, "leaf": leaf, "counts": counts}


def viewer_of(unit):
    return member(unit, Role.VIEWER)


PAGES = [
    ("dashboards:portfolio", "root", ""),
    ("dashboards:portfolio", "root", "?stage=pengusulan&sort=tpi&order=desc"),
    ("dashboards:portfolio", "province", "?year=2026"),
    ("dashboards:portfolio_xlsx", "root", ""),
    ("dashboards:portfolio_pdf", "province", ""),  # the page offering to make it
    ("dashboards:unit", "leaf", ""),
    ("dashboards:unit_pdf", "leaf", ""),
    ("dashboards:calibration", "root", "?year=2026"),
    ("dashboards:calibration", "province", "?year=2026&layers=self-tpi"),
    ("dashboards:calibration_xlsx", "root", "?year=2026"),
]


@pytest.mark.parametrize(("name", "target", "query"), PAGES, ids=lambda value: str(value))
def test_dashboards_cost_the_same_queries_with_one_unit_and_with_many(
    name, target, query, small_world, large_world, client_for, django_assert_num_queries
):
    small_url = reverse(name, kwargs={"code": small_world[target].code}) + query
    expected = count_queries(client_for(viewer_of(small_world["root"])), small_url)

    assert Unit.objects.filter(path__startswith=large_world["root"].path).count() == 120
    client = client_for(viewer_of(large_world["root"]))
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, kwargs={"code": large_world[target].code}) + query)
    assert response.status_code == 200


def test_registry_costs_the_same_queries_with_one_award_and_with_many(
    small_world, client_for, django_assert_num_queries
):
    url = reverse("dashboards:registry")
    expected = count_queries(client_for(None), url)
    for year in (2023, 2024, 2025):
        for index in range(30):
            unit = UnitFactory(parent=small_world["root"], province=f"Provinsi {index % 7}")
            PredicateAwardFactory(
                unit=unit,
                year=year,
                decree_number=f"KEP/{index}/{year}",
                decree_date=datetime.date(year, 12, 1),
            )
    with django_assert_num_queries(expected):
        response = client_for(None).get(url)
    assert response.status_code == 200
    assert "Halaman 1 dari 2" in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.STAFF, Role.COORDINATOR, Role.TPI_REVIEWER, Role.VIEWER, Role.UNIT_ADMIN]
)
def test_home_costs_the_same_queries_with_one_unit_and_with_many(
    role, small_world, large_world, client_for, django_assert_num_queries
):
    small = client_for(member(small_world["root"], role))
    expected = count_queries(small, reverse("home"))
    large = client_for(member(large_world["root"], role))
    with django_assert_num_queries(expected):
        response = large.get(reverse("home"))
    assert response.status_code == 200


# --------------------------------------------------------------------------
# What the portfolio shows


def test_portfolio_lists_every_unit_with_its_cycle_and_units_without_one(small_world, client_for):
    client = client_for(viewer_of(small_world["root"]))
    html = client.get(
        reverse("dashboards:portfolio", args=["SOLO"]) + "?year=2026"
    ).content.decode()
    assert "UPT Tunggal" in html and "Kantor Tunggal" in html
    assert "belum ada siklus" in html  # the instansi and the office have no cycle
    cycle = Cycle.objects.get(pk=small_world["cycle"].pk)
    assert f"{float(cycle.self_total):.2f}".replace(".", ",") in html
    assert f"{float(cycle.tpi_total):.2f}".replace(".", ",") in html
    assert "<svg" in html and "<title>" in html and 'role="img"' in html
    assert "style=" not in html.split("<main", 1)[1]  # no inline styles (CSP)
    assert "<script>" not in html
    # The roll-up names the unit once, and its second column says what it counts.
    rollup_head = html.split('class="table stacked rollup"', 1)[1].split("</thead>", 1)[0]
    assert rollup_head.count(">Unit<") == 1 and ">Jumlah unit<" in rollup_head


def test_portfolio_filters_sorts_and_pages_in_sql(large_world, client_for):
    root = large_world["root"]
    client = client_for(viewer_of(root))
    url = reverse("dashboards:portfolio", args=[root.code])
    eligible = Cycle.objects.filter(
        unit__path__startswith=root.path, year=2026, tpi_wbk_eligible=True
    )
    response = client.get(url + "?year=2026&eligibility=wbk_tpi&sort=tpi&order=desc")
    rows = list(response.context["rows"])
    assert response.context["row_count"] == eligible.count() > 0
    assert all(row.tpi_wbk_eligible for row in rows)
    totals = [row.tpi_total for row in rows]
    assert totals == sorted(totals, reverse=True)

    first_page = client.get(url + "?year=2026")
    assert first_page.context["row_count"] == 120
    assert len(first_page.context["rows"]) == selectors.PAGE_SIZE
    third = client.get(url + "?year=2026&halaman=3")
    assert len(third.context["rows"]) == 120 - 2 * selectors.PAGE_SIZE

    kinds = client.get(url + "?year=2026&kind=upt").context
    assert kinds["row_count"] == Unit.objects.filter(path__startswith=root.path, kind="upt").count()
    province = large_world["province"].province
    by_region = client.get(url + f"?year=2026&province={province}").context
    assert (
        by_region["row_count"]
        == Unit.objects.filter(path__startswith=root.path, province=province).count()
    )


def test_portfolio_rolls_up_by_child_of_the_root(large_world, client_for):
    root = large_world["root"]
    context = (
        client_for(viewer_of(root))
        .get(reverse("dashboards:portfolio", args=[root.code]) + "?year=2026")
        .context
    )
    rollup = context["rollup"]
    children = list(Unit.objects.filter(path__startswith=root.path, depth=2))
    assert {row.unit.pk for row in rollup if not row.is_root} == {child.pk for child in children}
    for row in rollup:
        if row.is_root:
            continue
        cycles = Cycle.objects.filter(unit__path__startswith=row.unit.path, year=2026)
        assert row.units == Unit.objects.filter(path__startswith=row.unit.path).count()
        assert sum(row.stages) == cycles.count()
        assert row.wbk_tpi == cycles.filter(tpi_wbk_eligible=True).count()
        average = sum(float(c.self_total) for c in cycles) / cycles.count()
        assert row.average_self == pytest.approx(average, abs=1e-3)
    total = context["total"]
    assert total.units == 120 and total.with_cycle == 120
    assert sum(context["distribution"]["self"]) == 120


@pytest.mark.parametrize("target", ["root", "province", "leaf"])
def test_the_kept_tallies_hold_what_reading_every_cycle_computes(target, large_world):
    unit = large_world[target]
    for year in (2025, 2026):
        filters = selectors.PortfolioFilters(year=year, framework=Framework.objects.current())
        areas = selectors.scored_areas(filters.framework)
        kept = selectors.portfolio_summary(unit, filters, areas)
        rows = selectors.rollup(unit, filters)
        histogram = selectors.histogram(unit, filters)
        averages = selectors.area_averages(selectors.portfolio_cycles(unit, filters), areas)

        def plain(row):
            return (row.path, row.is_root, row.units, row.with_cycle, row.stages, row.wbk_self,
                    row.wbk_tpi, row.wbbm_tpi, round(row.average_self or 0, 3),
                    round(row.average_tpi or 0, 3))  # fmt: skip

        assert [plain(row) for row in kept.rollup] == [plain(row) for row in rows]
        for layer in ("self", "tpi"):
            assert kept.distribution[layer] == histogram[layer]
            assert kept.distribution[f"{layer}_average"] == pytest.approx(
                histogram[f"{layer}_average"], abs=1e-6
            )
        for mine, theirs in zip(kept.averages, averages, strict=True):
            assert (mine.code, mine.count) == (theirs.code, theirs.count)
            for name in ("self_value", "tpi_value", "tpn_share"):
                assert getattr(mine, name) == pytest.approx(getattr(theirs, name), abs=1e-6)


def test_portfolio_area_averages_come_from_the_stored_area_rows(small_world, client_for):
    context = (
        client_for(viewer_of(small_world["root"]))
        .get(reverse("dashboards:portfolio", args=["SOLO"]) + "?year=2026")
        .context
    )
    cycle = Cycle.objects.get(pk=small_world["cycle"].pk)
    by_code = {area.code: area for area in context["averages"]}
    for code, node in cycle.summary(Layer.SELF)["areas"].items():
        assert by_code[code].self_share == pytest.approx(
            node["value"] / node["weight"] * 100, abs=0.01
        )
    for code, node in cycle.summary(Layer.TPI)["areas"].items():
        assert by_code[code].tpi_value == pytest.approx(node["value"], abs=1e-4)


def test_bad_filter_values_are_ignored_with_a_message(small_world, client_for):
    client = client_for(viewer_of(small_world["root"]))
    response = client.get(
        reverse("dashboards:portfolio", args=["SOLO"])
        + "?year=abc&kind=zzz&stage=x&sort=evil&halaman=999"
    )
    assert response.status_code == 200
    assert "tidak dikenal dan diabaikan" in response.content.decode()
    assert response.context["filters"].kind == ""


def test_portfolio_xlsx_has_every_filtered_row_and_no_formulas(large_world, client_for):
    root = large_world["root"]
    Unit.objects.filter(pk=large_world["leaf"].pk).update(name='=HYPERLINK("http://x")')
    client = client_for(viewer_of(root))
    response = client.get(
        reverse("dashboards:portfolio_xlsx", args=[root.code]) + "?year=2026&kind=upt"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kode", "Unit")
    expected = Unit.objects.filter(path__startswith=root.path, kind="upt").count()
    assert len(rows) - 1 == expected > selectors.PAGE_SIZE  # every row, not one page
    formula = next(
        cell for row in sheet.iter_rows() for cell in row if cell.value == '=HYPERLINK("http://x")'
    )
    assert formula.data_type == "s"


def test_portfolio_pdf_shows_the_summary_and_the_rows(small_world, client_for):
    """Made by the worker (ImmediateBackend in tests): the POST goes to the job's page."""
    client = client_for(viewer_of(small_world["root"]))
    response = client.post(reverse("dashboards:portfolio_pdf", args=["SOLO"]) + "?year=2026")
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    response = client.get(reverse("dashboards:export_job_download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "PORTOFOLIO ZONA INTEGRITAS INSTANSI KECIL" in text
    assert "UPT Tunggal" in text
    assert "Belum ada siklus" in text  # a label of the stage chart, as text


# --------------------------------------------------------------------------
# Unit dashboard


def test_unit_dashboard_shows_scores_side_by_side_and_eligibility(small_world, client_for):
    cycle = Cycle.objects.get(pk=small_world["cycle"].pk)
    response = client_for(viewer_of(small_world["root"])).get(
        reverse("dashboards:unit", args=["SOLO-1-1"])
    )
    html = response.content.decode()
    for node in cycle.summary(Layer.TPI)["areas"].values():
        assert node["name"] in html
    for failure in cycle.summary(Layer.SELF)["eligibility"]["wbk"]["failed"]:
        assert failure["message"] in html
    assert "Menuju WBK 2025" in html  # predicate history
    assert "Evaluasi TPI" in html  # the stage steps
    assert 'aria-current="step"' in html


def test_unit_dashboard_pdf_reads_as_text(small_world, client_for):
    response = client_for(viewer_of(small_world["root"])).get(
        reverse("dashboards:unit_pdf", args=["SOLO-1-1"])
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "UPT Tunggal" in text and "Kelayakan predikat" in text
    assert "Manajemen Perubahan" in text  # chart labels are text in the PDF


def test_unit_dashboard_ignores_a_cycle_of_another_unit(small_world, client_for):
    other = CycleFactory(unit=small_world["province"])
    response = client_for(viewer_of(small_world["root"])).get(
        reverse("dashboards:unit", args=["SOLO-1-1"]) + f"?siklus={other.pk}"
    )
    assert response.context["board"].cycle.pk == small_world["cycle"].pk


def test_dashboards_are_404_for_outsiders_and_login_for_anonymous(
    small_world, other_unit, outsider, client_for
):
    for name in (
        "dashboards:unit",
        "dashboards:portfolio",
        "dashboards:calibration",
        "dashboards:portfolio_xlsx",
    ):
        url = reverse(name, args=["SOLO"])
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(None).get(url).status_code == 302


# --------------------------------------------------------------------------
# Calibration


def test_calibration_measures_self_above_tpi_per_question_and_area(small_world, client_for):
    # Self answered A everywhere, TPI answered B: the unit over-scores on every option question.
    context = (
        client_for(viewer_of(small_world["root"]))
        .get(reverse("dashboards:calibration", args=["SOLO"]) + "?year=2026&layers=self-tpi")
        .context
    )
    by_question = {q.code: q for q in context["by_question"]}
    yes_no = by_question["A.MP.PMN.i.a"]  # Ya/Tidak: both layers chose the first option
    assert yes_no.mean_difference == pytest.approx(0)
    graded = next(q for q in context["by_question"] if q.mean_difference > 0)
    assert graded.over == graded.pairs == 1
    assert graded.mean_first > graded.mean_second
    cycle = Cycle.objects.get(pk=small_world["cycle"].pk)
    by_area = {a.code: a for a in context["by_area"]}
    node_self = cycle.summary(Layer.SELF)["areas"]["A.PW"]
    node_tpi = cycle.summary(Layer.TPI)["areas"]["A.PW"]
    assert by_area["A.PW"].mean_difference == pytest.approx(
        (node_self["value"] - node_tpi["value"]) / node_self["weight"] * 100, abs=0.01
    )


def test_calibration_xlsx_has_both_tables(small_world, client_for):
    response = client_for(viewer_of(small_world["root"])).get(
        reverse("dashboards:calibration_xlsx", args=["SOLO"]) + "?year=2026"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per area", "Per pertanyaan"]
    option_questions = Question.objects.filter(
        framework=Framework.objects.current(), answer_type__in=OPTION_ANSWER_TYPES, is_active=True
    ).count()
    assert book["Per pertanyaan"].max_row == 1 + option_questions  # each answered in both layers
    assert book["Per area"].max_row > 1


# --------------------------------------------------------------------------
# Public registry


def test_registry_is_public_and_lists_held_awards_with_decrees(small_world, client_for):
    revoked = PredicateAwardFactory(
        unit=small_world["province"],
        year=2023,
        decree_number="KEP/CABUT/2023",
        decree_date=datetime.date(2023, 12, 1),
        revoked_on=datetime.date(2024, 6, 1),
    )
    html = client_for(None).get(reverse("dashboards:registry")).content.decode()
    assert "UPT Tunggal" in html and "KEP/1/2025" in html
    assert revoked.decree_number not in html
    with_revoked = (
        client_for(None).get(reverse("dashboards:registry") + "?revoked=on").content.decode()
    )
    assert revoked.decree_number in with_revoked and "dicabut" in with_revoked


def test_registry_filters_by_year_region_kind_and_predicate(small_world, client_for):
    url = reverse("dashboards:registry")
    PredicateAwardFactory(
        unit=small_world["province"],
        year=2024,
        decree_number="KEP/9/2024",
        decree_date=datetime.date(2024, 12, 1),
    )
    assert "UPT Tunggal" not in client_for(None).get(url + "?year=2024").content.decode()
    assert "UPT Tunggal" in client_for(None).get(url + "?year=2025").content.decode()
    assert "UPT Tunggal" in client_for(None).get(url + "?kind=upt&predicate=wbk").content.decode()
    assert "UPT Tunggal" not in client_for(None).get(url + "?predicate=wbbm").content.decode()
    province = small_world["leaf"].province
    assert "UPT Tunggal" in client_for(None).get(url + f"?province={province}").content.decode()


# --------------------------------------------------------------------------
# Home by role


def test_home_shows_the_staff_what_is_left_and_what_is_late(unit, staff, catalogs, client_for):
    today = datetime.date.today()
    cycle = CycleFactory(unit=unit, year=today.year, fill_closes=today + datetime.timedelta(days=5))
    WorkPlanItemFactory(
        cycle=cycle,
        title="Sosialisasi terlambat",
        start_date=today - datetime.timedelta(days=30),
        due_date=today - datetime.timedelta(days=1),
    )
    html = client_for(staff).get(reverse("home")).content.decode()
    assert "113 belum dijawab" in html
    assert "Sosialisasi terlambat" in html
    assert "Pengisian penilaian unit Satker Contoh ditutup" in html
    assert "Unit dan peran Anda" in html  # the existing content stays


def test_home_shows_reviewers_their_queue_and_admins_declarations_to_sign(
    unit, tpi_reviewer, unit_admin, catalogs, client_for
):
    CycleFactory(unit=unit, stage=Stage.EVALUASI_TPI)
    assert (
        "Menunggu penilaian Anda" in client_for(tpi_reviewer).get(reverse("home")).content.decode()
    )
    from declarations.services import declaration_finalise
    from units import services as unit_services

    unit = unit_services.unit_update(
        unit=unit, head_name="Siti Nurhaliza", head_nip="198002142003122002", head_position="Kepala"
    )
    draft = DeclarationFactory(unit=unit)
    WitnessFactory(
        declaration=draft, name="Musa Sombuk", position="Kepala", institution="Ombudsman RI"
    )
    declaration = declaration_finalise(declaration=draft, by=None)
    html = client_for(unit_admin).get(reverse("home")).content.decode()
    assert "Pencanangan menunggu tanda tangan" in html and declaration.title in html


def test_home_gives_leadership_a_summary_of_their_subtree(large_world, client_for):
    viewer = viewer_of(large_world["province"])
    html = client_for(viewer).get(reverse("home")).content.decode()
    cycles = Cycle.objects.filter(
        unit__path__startswith=large_world["province"].path, year=2026
    ).count()
    assert f"{cycles} siklus evaluasi" in html
    assert reverse("dashboards:portfolio", args=[large_world["province"].code]) in html


def test_the_leadership_summary_read_from_the_tallies_equals_a_count_of_the_cycles(large_world):
    for scope in (large_world["root"], large_world["province"]):
        rows = Cycle.objects.filter(unit__path__startswith=scope.path, year=2026)
        labels = dict(Stage.choices)
        expected = {
            "cycles": rows.count(),
            "stages": [
                (str(labels[stage]), rows.filter(stage=stage).count())
                for stage in home.STAGE_ORDER
                if rows.filter(stage=stage).exists()
            ],
            "wbk_self": rows.filter(self_wbk_eligible=True).count(),
            "wbk_tpi": rows.filter(tpi_wbk_eligible=True).count(),
        }
        (summary,) = home._summaries([scope], 2026)
        assert expected["cycles"] > 0 and expected["wbk_tpi"] > 0
        assert {
            "cycles": summary.cycles,
            "stages": summary.stages,
            "wbk_self": summary.wbk_self,
            "wbk_tpi": summary.wbk_tpi,
        } == expected


# --------------------------------------------------------------------------
# Charts, the unit page panel, the command


def test_charts_escape_text_and_carry_titles_and_values():
    svg = charts.grouped_bars(
        title="Nilai <b>",
        categories=["Area & co"],
        series=[
            charts.Series("Unit", [55.5], charts.SELF),
            charts.Series("TPI", [None], charts.TPI),
        ],
        fmt=lambda value: charts.percent(value, 1),
    )
    assert "<title>Nilai &lt;b&gt;</title>" in svg and 'aria-label="Nilai &lt;b&gt;"' in svg
    assert "Area &amp; co" in svg and "55,5%" in svg and "—" in svg
    assert "style=" not in svg and "<script" not in svg


def test_unit_page_links_to_the_dashboards(small_world, client_for):
    html = (
        client_for(viewer_of(small_world["root"]))
        .get(reverse("units:detail", args=["SOLO"]))
        .content.decode()
    )
    assert reverse("dashboards:unit", args=["SOLO"]) in html
    assert reverse("dashboards:portfolio", args=["SOLO"]) in html


def test_seed_benchmark_refuses_to_run_twice_and_rebuilds_with_reset(catalogs):
    out = io.StringIO()
    call_command("seed_benchmark", units=30, years=1, stdout=out)
    assert "30 units, 30 cycles" in out.getvalue()
    root = Unit.objects.get(code=benchmark_data.ROOT_CODE)
    assert Unit.objects.filter(path__startswith=root.path).count() == 30
    assert (
        Cycle.objects.filter(unit__path__startswith=root.path)
        .first()
        .answers.filter(layer="tpi")
        .count()
        == 113
    )
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_benchmark", units=30, years=1, stdout=io.StringIO())
    call_command("seed_benchmark", units=40, years=1, reset=True, stdout=io.StringIO())
    root = Unit.objects.get(code=benchmark_data.ROOT_CODE)
    assert Unit.objects.filter(path__startswith=root.path).count() == 40
    assert all(not problem for problem in Unit.objects.find_problems())  # a valid treebeard tree


def test_dashboard_index_costs_the_same_queries_with_one_unit_and_with_many(
    small_world, client_for, django_assert_num_queries
):
    person = viewer_of(small_world["root"])
    expected = count_queries(client_for(person), reverse("dashboards:index"))
    for _index in range(5):
        MembershipFactory(user=person, unit=UnitFactory(), role=Role.VIEWER)
    client = client_for(person)
    with django_assert_num_queries(expected):
        response = client.get(reverse("dashboards:index"))
    assert response.status_code == 200
    assert response.content.decode().count('class="unit-card"') == 6
