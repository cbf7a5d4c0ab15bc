"""The decision register: `review-assistant register DIR`, the coordinator's check in a table.

Every decision record under DIR is checked (assistant/core/check.py) and listed in a DataTable:
file, verdict, number of findings, the Panel notification and rapid review deadlines, the rule
pack version, the date decided. Filters (they add together): D differs, O overdue, N needs a
reason, A all. S sorts by the next column (or click a heading), V reverses. Enter opens a record
to its full explanation: findings with their rules and sources, deadlines, and the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from assistant.core.check import Checked, CheckResult, CheckRun, check_paths
from assistant.core.pack import Pack
from assistant.core.terminal import visible

COLUMNS = (
    "file",
    "verdict",
    "findings",
    "panel_notification",
    "rapid_review",
    "pack",
    "decided_on",
)
FILTERS = ("differs", "overdue", "needs_reason")


def matches(result: CheckResult, active: Iterable[str]) -> bool:
    """Whether a record passes the filters: any active filter it meets (none active: all)."""
    active = set(active)
    if not active:
        return True
    return (
        ("differs" in active and result.verdict in ("differs", "error"))
        or ("needs_reason" in active and result.verdict == "needs_reason")
        or ("overdue" in active and result.overdue)
    )


class RegisterWords:
    """prompts/check/register.j2 (`set` variables) and the macros of prompts/check/words.j2."""

    def __init__(self, pack: Pack) -> None:
        from assistant.core.words import environment

        self.pack = pack
        self.env = environment(pack)
        self.ui = self.env.get_template("check/register.j2").module
        self.cells = self.env.get_template("check/words.j2").module

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ui, name)

    def row(self, r: CheckResult) -> list[Any]:
        deadlines = {d.id: d for d in r.deadlines}
        error = r.verdict == "error"
        return [
            Text(visible(r.file)),
            Text(str(self.cells.verdict_cell(r))),
            len(r.findings),
            Text(str(self.cells.deadline(deadlines.get("panel_notification")))),
            Text(str(self.cells.deadline(deadlines.get("rapid_review")))),
            Text("-" if error else visible(str(self.cells.pack(r)))),
            Text(str(r.decided_on or "-")),
        ]

    def explain(self, checked: Checked) -> str:
        from assistant.core.words import render

        decision_text = ""
        if checked.decision is not None:
            decision_text = render(
                self.pack, "decision.txt.j2", decision=checked.decision, facts=checked.facts
            )
        rules = {rule.id: rule for rule in self.pack.rules}
        return render(
            self.pack,
            "check/record.txt.j2",
            r=checked.result,
            decision=checked.decision,
            facts=checked.facts,
            words=self.cells,
            rules=rules,
            decision_text=decision_text.rstrip(),
        ).rstrip()


class RecordScreen(Screen[None]):
    """One record, explained in full. Escape goes back to the table."""

    BINDINGS: ClassVar = [
        Binding("escape,enter", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, checked: Checked, text: str) -> None:
        super().__init__()
        self.checked = checked
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="record"):
            yield Static(Text(self.text), id="record-text")
        yield Footer()


class RegisterScreen(Screen[None]):
    """The table of records, with filters and sorting.

    Keys: D differs, O overdue, N needs a reason, A all, S sort by next column, V reverse,
    Enter open, Q quit.
    """

    BINDINGS: ClassVar = [
        Binding("d", "filter('differs')", "Differs"),
        Binding("o", "filter('overdue')", "Overdue"),
        Binding("n", "filter('needs_reason')", "Needs reason"),
        Binding("a", "show_all", "All"),
        Binding("s", "sort_next", "Sort"),
        Binding("v", "reverse", "Reverse"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, run: CheckRun, words: RegisterWords) -> None:
        super().__init__()
        self.run = run
        self.words = words
        self.active: set[str] = set()
        self.sort_column = 0
        self.sort_reverse = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status")
        yield DataTable(id="records", cursor_type="row", zebra_stripes=True)
        yield Static(Text(self.words.filter_help), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#records", DataTable)
        for name in COLUMNS:
            table.add_column(Text(str(self.words.cells.heading(name))), key=name)
        self.fill()
        table.focus()

    @property
    def shown(self) -> list[int]:
        return [i for i, c in enumerate(self.run.checked) if matches(c.result, self.active)]

    def fill(self) -> None:
        table = self.query_one("#records", DataTable)
        table.clear()
        for i in self.shown:
            table.add_row(*self.words.row(self.run.checked[i].result), key=str(i))
        self.apply_sort()
        self.show_status()

    def apply_sort(self) -> None:
        table = self.query_one("#records", DataTable)
        if table.row_count:
            table.sort(COLUMNS[self.sort_column], key=_sort_key, reverse=self.sort_reverse)

    def show_status(self) -> None:
        w = self.words
        shown, total = len(self.shown), len(self.run.checked)
        filters = ", ".join(w.filters[f] for f in FILTERS if f in self.active) or w.all_records
        heading = str(w.cells.heading(COLUMNS[self.sort_column])).lower()
        order = f"{w.sorted_by} {heading}" + (f" ({w.reversed})" if self.sort_reverse else "")
        line = f"{w.showing} {shown} {w.of} {total} {w.records}: {filters}; {order}"
        if not shown:
            line += f"\n{w.none_match}"
        self.query_one("#status", Static).update(Text(line))

    def action_filter(self, name: str) -> None:
        self.active ^= {name}
        self.fill()

    def action_show_all(self) -> None:
        self.active.clear()
        self.fill()

    def action_sort_next(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self.sort_reverse = False
        self.apply_sort()
        self.show_status()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.apply_sort()
        self.show_status()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = COLUMNS.index(str(event.column_key.value))
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column = column
        self.apply_sort()
        self.show_status()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open(int(str(event.row_key.value)))

    def open(self, index: int) -> None:
        checked = self.run.checked[index]
        self.app.push_screen(RecordScreen(checked, self.words.explain(checked)))


def _sort_key(value: Any) -> Any:
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value).lower())


class RegisterApp(App[None]):
    """The coordinator's register of checked decision records."""

    CSS_PATH = "register.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        pack: Pack,
        paths: Sequence[Path | str],
        *,
        today: dt.date | None = None,
        run: CheckRun | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.words = RegisterWords(pack)
        self.check_run = run if run is not None else check_paths(pack, paths, today=today)
        self.title = self.words.app_title
        self.sub_title = f"{pack.meta.title}, version {pack.version}"

    def on_mount(self) -> None:
        self.push_screen(RegisterScreen(self.check_run, self.words))
