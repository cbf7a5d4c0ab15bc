"""The decision register, driven as a coordinator would: filter, sort, open a record (Pilot)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import DataTable, Static

from assistant.core.pack import load_pack
from assistant.tui.register import COLUMNS, RecordScreen, RegisterApp, RegisterScreen, layout

HERE = Path(__file__).parent
PACK = HERE / "pack"
RECORDS = HERE / "records"
TODAY = dt.date(2026, 11, 27)


def files(table: DataTable) -> list[str]:
    """The records' file names in the table's order (a cell may fold or shorten a long one)."""
    checked = table.screen.run.checked
    return [Path(checked[int(str(row.key.value))].result.file).name for row in table.ordered_rows]


def status(app) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_a_coordinator_filters_the_register_and_opens_a_record():
    app = RegisterApp(load_pack(PACK), [RECORDS], today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        assert isinstance(app.screen, RegisterScreen)
        table = app.screen.query_one("#records", DataTable)
        assert table.row_count == 7
        assert "Showing 7 of 7 records: all records" in status(app)

        await pilot.press("d")  # differs
        assert files(table) == ["differs-rapid-review.yaml"]
        await pilot.press("d", "n")  # needs a reason instead
        assert files(table) == ["needs-reason-lcspr.yaml", "needs-reason-national-and-method.yaml"]
        await pilot.press("n", "o")  # overdue: a deadline missed, or done late
        assert files(table) == ["needs-reason-lcspr.yaml", "late-notification.yaml"]
        await pilot.press("n")  # filters add together; most severe first
        assert files(table) == [
            "needs-reason-lcspr.yaml",
            "needs-reason-national-and-method.yaml",
            "late-notification.yaml",
        ]
        assert "Showing 3 of 7 records: overdue, needs a reason" in status(app)
        await pilot.press("a")
        assert table.row_count == 7

        # sort by the number of findings, most first
        await pilot.press("s", "v")
        assert "sorted by findings (reversed)" in status(app)
        assert files(table)[0] == "needs-reason-national-and-method.yaml"  # two findings
        assert str(table.get_row_at(table.row_count - 1)[2]) == "0"

        # open the record with the most findings
        table.move_cursor(row=0)
        await pilot.press("enter")
        assert isinstance(app.screen, RecordScreen)
        text = str(app.screen.query_one("#record-text", Static).render())
        assert "needs-reason-national-and-method.yaml" in text
        assert "VERDICT: needs a reason (decided 2026-06-01)" in text
        assert (
            "national_review_referral (needs a reason): chosen no, rules expect suggested" in text
        )
        assert "[T-06N] National importance. Source: test R-06N" in text
        assert "Notify the Panel: on time (2026-05-06)" in text
        assert "Rapid review completed: on time (2026-05-27); due 2026-05-28" in text
        assert (
            "WHAT THE RULES SAY FOR THIS CASE" in text
            and "OUTCOME: Serious child safeguarding incident" in text
        )
        await pilot.press("escape")
        assert isinstance(app.screen, RegisterScreen)


async def test_an_older_pack_record_explains_what_today_would_change():
    app = RegisterApp(load_pack(PACK), [RECORDS / "older-pack.yaml"], today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.screen.query_one("#records", DataTable)
        assert "1.0, now 2.0 *" in str(table.get_row_at(0)[5])
        await pilot.press("enter")
        text = str(app.screen.query_one("#record-text", Static).render())
        assert "decided with version 1.0, not the version checked now" in text
        assert "reviews.lcspr: not indicated then, indicated now" in text


async def test_unreadable_records_are_listed_and_explained():
    app = RegisterApp(load_pack(PACK), [HERE / "unreadable"], today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.screen.query_one("#records", DataTable)
        verdicts = {
            Path(str(table.get_row_at(i)[0])).name: str(table.get_row_at(i)[1])
            for i in range(table.row_count)
        }
        assert verdicts == {"bad-value.yaml": "CANNOT READ", "good.yaml": "agrees"}
        await pilot.press("d")  # an unreadable record is shown with the ones that differ
        assert files(table) == ["bad-value.yaml"]
        await pilot.press("enter")
        text = str(app.screen.query_one("#record-text", Static).render())
        assert "This record could not be read" in text and "decision.lcspr" in text


def pending_records(folder: Path) -> Path:
    """Two records with a rapid review still to come: one due within 5 working days of
    Monday 26 January 2026, one later; and every record of records/ and unreadable/."""
    base = (RECORDS / "agrees-on-time.yaml").read_text(encoding="utf-8")
    base = base.replace("  decided_on: 2026-01-30\n", "").replace(
        "  rapid_review_completed: 2026-01-28\n", ""
    )
    (folder / "due-soon.yaml").write_text(base, encoding="utf-8")  # due Friday 30 January
    (folder / "due-later.yaml").write_text(
        base.replace("aware_date: 2026-01-05", "aware_date: 2026-01-19").replace(
            "notification_date: 2026-01-09", "notification_date: 2026-01-20"
        ),
        encoding="utf-8",
    )  # due 10 February
    (folder / "unreadable.yaml").write_text(
        (HERE / "unreadable" / "bad-value.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return folder


async def test_at_80x24_most_severe_first_and_the_due_soon_filter(tmp_path):
    folder = pending_records(tmp_path)
    app = RegisterApp(load_pack(PACK), [folder], today=dt.date(2026, 1, 26))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#records", DataTable)
        assert files(table) == ["unreadable.yaml", "due-soon.yaml", "due-later.yaml"]
        verdicts = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert verdicts == ["CANNOT READ", "agrees", "agrees"]
        assert str(table.get_row_at(0)[2]) == "-"  # findings, as `check` shows them
        assert "sorted by severity, then lateness" in status(app)
        assert "2 agree, 0 differ, 0 need a recorded reason, 1 could not be read" in status(app)

        # the table fits: no column cut, no sideways scrolling; the least useful are hidden
        assert [str(c.key.value) for c in table.ordered_columns] == [
            "file",
            "verdict",
            "findings",
            "panel_notification",
            "rapid_review",
        ]
        assert table.virtual_size.width <= table.size.width

        await pilot.press("w")  # due within the next 5 working days
        assert files(table) == ["due-soon.yaml"]
        assert str(table.get_row_at(0)[4]) == "due 2026-01-30"
        assert "due within 5 working days" in status(app)
        await pilot.press("a")
        assert table.row_count == 3

        legend = app.screen.query_one("#legend", Static)
        assert not legend.display
        await pilot.press("question_mark")  # the key takes the table's place, all of it shown
        assert legend.display and not table.display
        assert legend.size.height >= legend.virtual_size.height
        text = app.screen.legend_text()
        for heading in ("FILE", "VERDICT", "#", "PANEL", "RAPID REVIEW", "PACK", "DECIDED"):
            assert f"\n{heading} " in text
        assert "within the next 5 working days" in text
        await pilot.press("question_mark")
        assert not legend.display and table.display and table.has_focus


async def test_at_80x24_a_register_of_every_verdict_sorts_by_severity_then_lateness(tmp_path):
    for record in RECORDS.glob("*.yaml"):
        (tmp_path / record.name).write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "unreadable.yaml").write_text(
        (HERE / "unreadable" / "bad-value.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    app = RegisterApp(load_pack(PACK), [tmp_path], today=TODAY)
    async with app.run_test(size=(80, 24)):
        table = app.screen.query_one("#records", DataTable)
        assert files(table) == [
            "unreadable.yaml",
            "differs-rapid-review.yaml",
            "needs-reason-lcspr.yaml",  # needs a reason, and overdue
            "needs-reason-national-and-method.yaml",
            "late-notification.yaml",  # agrees, but late
            "agrees-on-time.yaml",
            "older-pack.yaml",
            "reason-recorded.yaml",
        ]
        assert str(table.get_row_at(2)[1]) == "needs a reason, OVERDUE"
        assert str(table.get_row_at(4)[1]) == "agrees, LATE"
        assert str(table.get_row_at(4)[3]) == "LATE +2 wd"
        assert table.virtual_size.width <= table.size.width


async def test_at_100_columns_every_column_is_shown_and_the_table_still_fits():
    app = RegisterApp(load_pack(PACK), [RECORDS], today=TODAY)
    async with app.run_test(size=(100, 32)):
        table = app.screen.query_one("#records", DataTable)
        columns = [str(c.key.value) for c in table.ordered_columns]
        assert columns == list(COLUMNS)
        assert table.virtual_size.width <= table.size.width


def test_columns_are_hidden_least_useful_first_as_the_terminal_narrows():
    assert layout(120)[0] == COLUMNS
    assert layout(90)[0] == COLUMNS[:-1]  # the date decided goes first
    assert layout(80)[0] == COLUMNS[:-2]  # then the rule pack
    assert layout(80)[1] >= 20  # and the file name keeps room


def test_the_due_within_option_is_checked():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "assistant", "register", str(RECORDS), "--due-within", "soon"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "'soon' is not a number of working days" in done.stderr
    assert "Traceback" not in done.stderr
