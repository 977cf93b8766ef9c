"""tasks/deadlines.py: how a date is written for a person."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.formats import date_format

from tasks.deadlines import vn_date


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "day", [dt.date(2024, 2, 9), dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(1999, 7, 5)]
)
def test_a_date_is_written_as_the_date_filter_writes_d_m_y_in_every_language(language, day):
    with translation.override(language):
        assert vn_date(day) == date_format(day, "d/m/Y")


def test_no_date_is_written_as_nothing():
    assert vn_date(None) == ""
    assert vn_date(dt.date(2024, 3, 8)) == "08/03/2024"
