"""Segment exports: every cell a spreadsheet could run as a formula is escaped, and nothing else changes."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from graphsvc.service.segments import _csv, csv_cell

FORMULA = ("=", "+", "-", "@", "\t", "\r")


@given(st.text())
def test_a_text_cell_never_reads_as_a_formula_and_keeps_its_text(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA)
    assert cell == (f"'{text}" if text.startswith(FORMULA) else text)


@given(st.lists(st.text(), max_size=4), st.one_of(st.none(), st.integers(), st.floats(allow_nan=False)))
def test_lists_are_joined_and_numbers_stay_numbers(values: list[str], number: float | None) -> None:
    assert not str(csv_cell(values)).startswith(FORMULA)
    assert csv_cell(number) == ("" if number is None else number)


def test_the_export_file_round_trips_through_a_csv_reader() -> None:
    rows = [{"name": '=HYPERLINK("http://x")', "city": "-1+2", "handles": ["@ada", "bob"], "influence": -0.5}]
    text = _csv(rows, ["name", "city", "handles", "influence"])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1] == ['\'=HYPERLINK("http://x")', "'-1+2", "'@ada;bob", "-0.5"]
