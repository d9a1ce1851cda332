"""Plausible dates: from 1 January 2000 to ten years ahead, on every date a person enters."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from lib.dates import EARLIEST, latest, plausible_date
from lib.forms import DateField
from tests.clock import on


def test_the_range_runs_from_2000_to_ten_years_ahead():
    with on(datetime.date(2026, 3, 1)):
        assert latest() == datetime.date(2036, 3, 1)
        plausible_date(EARLIEST)
        plausible_date(datetime.date(2036, 3, 1))
        with pytest.raises(ValidationError, match="terlalu lampau"):
            plausible_date(datetime.date(1999, 12, 31))
        with pytest.raises(ValidationError, match="terlalu jauh ke depan"):
            plausible_date(datetime.date(2036, 3, 2))


def test_the_29th_of_february_has_a_latest_date_too():
    with on(datetime.date(2028, 2, 29)):
        assert latest() == datetime.date(2038, 2, 28)


@pytest.mark.parametrize("typed", ["1900-01-01", "9999-12-31", "0001-01-01"])
def test_the_form_field_refuses_implausible_dates_and_tells_the_picker(typed):
    field = DateField()

    with pytest.raises(ValidationError):
        field.clean(typed)
    rendered = field.widget.render("d", None, attrs=field.widget_attrs(field.widget))
    assert 'type="date"' in rendered and 'min="2000-01-01"' in rendered and "max=" in rendered


@pytest.mark.parametrize("typed", ["2026-13-01", "2026-02-30", "tomorrow", "٢٠٢٦-٠١-٠١", "-1"])
def test_malformed_dates_are_a_form_error(typed):
    with pytest.raises(ValidationError):
        DateField().clean(typed)
