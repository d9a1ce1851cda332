"""The dashboards read of a cycle only what the covering index `cycle_dashboard_cover` holds."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from change_areas import services
from change_areas.models import DASHBOARD_COLUMNS, Cycle, Framework
from tests.factories import MembershipFactory, UnitFactory
from units.models import Role, UnitKind

# The keys the dashboards join on, under the names the SQL gives them, and the row id,
# which SQLite keeps in every index.
JOIN_COLUMNS = {"year", "framework_id", "unit_id", "id"}


def covering_index():
    return next(index for index in Cycle._meta.indexes if index.name == "cycle_dashboard_cover")


@pytest.fixture
def portfolio(catalogs):
    root = UnitFactory(code="ROOT", name="Instansi", kind=UnitKind.KEMENTERIAN_LEMBAGA)
    leaf = UnitFactory(code="ROOT-1", name="Kantor", parent=root, kind=UnitKind.UPT)
    services.cycle_open(unit=leaf, framework=Framework.objects.current(), year=2026)
    viewer = MembershipFactory(unit=root, role=Role.VIEWER).user
    return root, viewer


def test_the_covering_index_holds_the_join_keys_then_the_dashboard_columns():
    assert covering_index().fields == ["year", "framework", "unit", *DASHBOARD_COLUMNS]


def test_the_portfolio_and_its_spreadsheet_read_exactly_the_indexed_cycle_columns(
    portfolio, client_for
):
    root, viewer = portfolio
    client = client_for(viewer)
    # Unfiltered, the roll-up and histogram come from the tallies kept per subtree and only
    # the rows join the cycles; a filter (the unit kind) sends the roll-up and histogram
    # through the cycles too.
    pages = [
        ("dashboards:portfolio", "?year=2026"),
        ("dashboards:portfolio", f"?year=2026&kind={UnitKind.UPT}"),
        ("dashboards:portfolio_xlsx", "?year=2026"),
    ]
    with CaptureQueriesContext(connection) as captured:
        for name, query in pages:
            response = client.get(reverse(name, kwargs={"code": root.code}) + query)
            assert response.status_code == 200
    # The portfolio joins each unit's cycle of the year under the alias `c`.
    joined = [query["sql"] for query in captured if '"change_areas_cycle" c ' in query["sql"]]
    read = {column for sql in joined for column in re.findall(r'\bc\."(\w+)"', sql)}

    # rows (unfiltered page); count, roll-up, histogram, rows (filtered); the spreadsheet's rows
    assert len(joined) >= 6
    assert read - JOIN_COLUMNS == set(DASHBOARD_COLUMNS)
