"""Long file names in the register: the table breaks them between words (after "-", "_", "."),
on at most two lines, keeping the start and the end with "…" between when they need more; the
line under the table gives the record under the cursor in full."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.geometry import Region
from textual.widgets import DataTable, Static

from assistant.core.pack import load_pack
from assistant.tui.register import ELLIPSIS, RegisterApp, fold_name, layout

HERE = Path(__file__).parent
PACK = HERE / "pack"
RECORDS = HERE / "records"
TODAY = dt.date(2026, 11, 27)
SEPARATORS = "-_. "

LONG = {
    "agrees-on-time.yaml": "2026-03-02-serious-incident-baby-r-decision-record-final.yaml",
    "differs-rapid-review.yaml": "Jay_15_suicide_after_months_of_neglect_rapid_review.yaml",
    "late-notification.yaml": "sam-missed-referral.yaml",
}


def test_a_short_name_is_left_as_it_is():
    assert fold_name("short.yaml", 21) == "short.yaml"


@pytest.mark.parametrize("width", [14, 21, 30])
def test_a_name_breaks_after_a_separator_never_inside_a_word(width):
    name = "sam-missed-the-referral.yaml"
    lines = fold_name(name, width, most=9).split("\n")
    assert "".join(lines) == name
    for line in lines:
        assert cell_len(line) <= width
    for line in lines[:-1]:
        assert line[-1] in SEPARATORS, lines


def test_a_name_too_long_for_two_lines_keeps_its_start_and_its_end():
    name = LONG["agrees-on-time.yaml"]
    lines = fold_name(name, 21).split("\n")
    assert lines == ["2026-03-02-serious-", ELLIPSIS + "record-final.yaml"]
    assert name.startswith(lines[0]) and name.endswith(lines[1][1:])


def test_a_name_without_separators_is_cut_only_where_it_must_be():
    name = "a" * 50 + ".yaml"  # three lines of 21: the end after "…"
    lines = fold_name(name, 21).split("\n")
    assert len(lines) == 2 and all(cell_len(line) <= 21 for line in lines)
    assert lines[0] == "a" * 21 and lines[1].endswith("aaa.yaml") and lines[1][0] == ELLIPSIS


def test_wide_characters_are_measured_in_terminal_cells():
    name = "記録-記録-記録-記録-記録.yaml"
    for line in fold_name(name, 14).split("\n"):
        assert cell_len(line) <= 14


def _register(tmp_path: Path) -> Path:
    for record, name in LONG.items():
        text = (RECORDS / record).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _lines(widget) -> list[str]:
    width, height = widget.region.size
    return [s.text.rstrip() for s in widget.render_lines(Region(0, 0, width, height))]


async def test_at_80x24_long_names_fold_between_words_and_the_full_name_is_under_the_table(
    tmp_path,
):
    folder = _register(tmp_path)
    app = RegisterApp(load_pack(PACK), [folder], today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#records", DataTable)
        _, file_width = layout(80)
        drawn = _lines(table)[1:]  # below the headings
        column = [line[1 : 1 + file_width].strip() for line in drawn]  # 1: the cell's padding
        names = set(LONG.values())
        fragments = [c for c in column if c]
        for fragment in fragments:
            if fragment.startswith(ELLIPSIS):
                assert any(n.endswith(fragment[1:]) for n in names), fragment
            else:
                whole = next(n for n in names if fragment in n)
                end = whole.index(fragment) + len(fragment)
                assert end == len(whole) or fragment[-1] in SEPARATORS, (
                    f"{fragment!r} breaks {whole!r} inside a word"
                )

        # the record under the cursor, in full, under the table; and as the cursor moves
        for _ in range(table.row_count):
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            full = screen.run.checked[int(str(key.value))].result.file
            detail = screen.query_one("#detail", Static)
            shown = "".join(line.strip() for line in _lines(detail))
            assert shown == f"File: {full}", shown
            await pilot.press("down")
            await pilot.pause()
