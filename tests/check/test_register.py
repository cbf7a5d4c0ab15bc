"""The decision register, driven as a coordinator would: filter, sort, open a record (Pilot)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import DataTable, Static

from assistant.core.pack import load_pack
from assistant.tui.register import RecordScreen, RegisterApp, RegisterScreen

HERE = Path(__file__).parent
PACK = HERE / "pack"
RECORDS = HERE / "records"
TODAY = dt.date(2026, 11, 27)


def files(table: DataTable) -> list[str]:
    return [Path(str(table.get_row_at(i)[0])).name for i in range(table.row_count)]


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
        assert files(table) == ["late-notification.yaml", "needs-reason-lcspr.yaml"]
        await pilot.press("n")  # filters add together
        assert files(table) == [
            "late-notification.yaml",
            "needs-reason-lcspr.yaml",
            "needs-reason-national-and-method.yaml",
        ]
        assert "Showing 3 of 7 records: overdue, needs a reason" in status(app)
        await pilot.press("a")
        assert table.row_count == 7

        # sort by the number of findings, most first
        await pilot.press("s", "s", "v")
        assert "sorted by findings (reversed)" in status(app)
        assert files(table)[0] == "needs-reason-national-and-method.yaml"  # two findings
        assert table.get_row_at(table.row_count - 1)[2] == 0

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
        assert "1.0 (now 2.0); today differs" in str(table.get_row_at(0)[5])
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
