"""The decision register: `review-assistant register DIR`, the coordinator's check in a table.

Every decision record under DIR is checked (assistant/core/check.py) and listed in a DataTable:
file, verdict (with its lateness), number of findings, the Panel notification and rapid review
deadlines, the rule pack version, the date decided. It opens sorted by severity (cannot read,
differs, needs a reason, agrees) then lateness. Filters (they add together): D differs, O overdue,
N needs a reason, W due within the next N working days, A all. S sorts by the next column (or
click a heading), V reverses. ? shows a key to every column. Enter opens a record to its full
explanation: findings with their rules and sources, deadlines, and the decision. Columns fit the
terminal: on a narrow one the date decided is hidden first, then the rule pack (at 100 columns
the first, at 80 both), and a long verdict wraps onto a second line. A long file name breaks after
a "-", "_", "." or space, never inside a word, on at most two lines; a name longer still keeps its
start and its end with "…" between. The line under the table gives the record under the cursor
in full (its folder too), and Enter opens it with the full name at the top.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
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
FILTERS = ("differs", "overdue", "needs_reason", "due_soon")
# The columns hidden first when the terminal is narrow (least useful first).
HIDE_FIRST = ("decided_on", "pack")
# Width of every column but the file name (DataTable adds 2 for padding), and the narrowest the
# file name may become before another column is hidden.
WIDTHS = {
    "verdict": 16,
    "findings": 3,
    "panel_notification": 14,
    "rapid_review": 14,
    "pack": 12,
    "decided_on": 10,
}
MIN_FILE = 14
DEFAULT_DUE_WITHIN = 5
SEVERITY = {"error": 0, "differs": 1, "needs_reason": 2, "agrees": 3}
LATENESS = {"overdue": 0, "late": 1, None: 2}


FILE_LINES = 2  # the most lines a file name takes in the table
DETAIL_LINES = 3  # the most lines the full name under the table takes
_PIECE = re.compile(r"[^-_. ]+[-_. ]*|[-_. ]+")  # a word and the separators after it
_PATH_PIECE = re.compile(r"[^-_. /\\]+[-_. /\\]*|[-_. /\\]+")  # the same, and folders
ELLIPSIS = "…"


def _cut(text: str, width: int, from_end: bool = False) -> str:
    """The most of `text` (its start, or its end) that fits in `width` terminal cells."""
    chars = list(reversed(text)) if from_end else list(text)
    kept: list[str] = []
    for ch in chars:
        if cell_len("".join(kept) + ch) > width:
            break
        kept.append(ch)
    return "".join(reversed(kept)) if from_end else "".join(kept)


def _pack_lines(pieces: list[str], width: int) -> list[str]:
    """`pieces` on lines of at most `width` cells, breaking only between pieces (a piece wider
    than a line is cut where it must be)."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if cell_len(line + piece) <= width:
            line += piece
            continue
        if line:
            lines.append(line)
        while cell_len(piece) > width:
            head = _cut(piece, width) or piece[:1]
            lines.append(head)
            piece = piece[len(head) :]
        line = piece
    if line:
        lines.append(line)
    return lines


def fold_name(
    name: str, width: int, most: int = FILE_LINES, pieces: re.Pattern[str] = _PIECE
) -> str:
    """A file name on at most `most` lines of `width` cells, broken after a "-", "_", "." or
    space rather than inside a word. A name that needs more lines keeps its start and its end:
    the first lines as they break, then "…" and the end of the name (from a word's start when one
    is near), so "2026-03-02-serious-incident-baby-r-final.yaml" stays recognisable. `pieces`
    says where a line may break (_PATH_PIECE: after a folder's "/" too)."""
    if width <= 1 or cell_len(name) <= width:
        return name
    lines = _pack_lines(pieces.findall(name), width)
    if len(lines) <= most:
        return "\n".join(lines)
    room = width - cell_len(ELLIPSIS)
    end = _cut(name, room, from_end=True)
    starts = [m.start() for m in pieces.finditer(name)]
    whole = next((name[i:] for i in starts if cell_len(name[i:]) <= room), "")
    if cell_len(whole) * 2 >= room:  # the end from a word's start, unless that is too little
        end = whole
    return "\n".join([*lines[: most - 1], ELLIPSIS + end])


def layout(width: int) -> tuple[tuple[str, ...], int]:
    """The columns shown at a terminal `width`, and the width left for the file name."""
    shown = list(COLUMNS)
    for name in (None, *HIDE_FIRST):
        if name is not None:
            shown.remove(name)
        # 2 padding per column, 2 for the scrollbar and the screen's edge
        used = sum(WIDTHS[c] + 2 for c in shown if c != "file") + 2 + 2
        if width - used >= MIN_FILE:
            break
    return tuple(shown), max(MIN_FILE, width - used)


def due_soon(result: CheckResult, today: dt.date, within: int) -> bool:
    """A deadline not yet done that falls due from today to `within` working days from today."""
    from assistant.core.calendar import add_working_days

    until = add_working_days(today, within)
    return any(
        d.status == "pending" and d.due is not None and today <= d.due <= until
        for d in result.deadlines
    )


def matches(
    result: CheckResult,
    active: Iterable[str],
    today: dt.date | None = None,
    within: int = DEFAULT_DUE_WITHIN,
) -> bool:
    """Whether a record passes the filters: any active filter it meets (none active: all)."""
    active = set(active)
    if not active:
        return True
    return (
        ("differs" in active and result.verdict in ("differs", "error"))
        or ("needs_reason" in active and result.verdict == "needs_reason")
        or ("overdue" in active and result.overdue)
        or ("due_soon" in active and due_soon(result, today or dt.date.today(), within))
    )


def severity_key(result: CheckResult) -> tuple[Any, ...]:
    """Cannot read, differs, needs a reason, agrees; within each, overdue then late (most
    working days late first), then the earliest deadline still to come, then the file."""
    late_days = max((d.late_working_days or 0 for d in result.deadlines), default=0)
    due = min((d.due for d in result.deadlines if d.status == "pending" and d.due), default=None)
    return (
        SEVERITY.get(result.verdict, 9),
        LATENESS[result.lateness],
        -late_days,
        due or dt.date.max,
        result.file.lower(),
    )


def sort_key(column: str, result: CheckResult) -> tuple[Any, ...]:
    """How a column sorts: the verdict by severity, counts as numbers, the rest as text."""
    if column == "verdict":
        return severity_key(result)
    if column == "findings":
        return (-1 if result.verdict == "error" else len(result.findings), result.file.lower())
    if column in ("panel_notification", "rapid_review"):
        d = next((d for d in result.deadlines if d.id == column), None)
        order = {"overdue": 0, "late": 1, "pending": 2, "not_held": 3, "on_time": 4}
        if d is None:
            return (9, 0, dt.date.max, result.file.lower())
        return (
            order.get(d.status, 5),
            -(d.late_working_days or 0),
            d.due or dt.date.max,
            result.file.lower(),
        )
    if column == "pack":
        return (result.pack_version_then or "", result.file.lower())
    if column == "decided_on":
        return (result.decided_on or dt.date.min, result.file.lower())
    return (Path(result.file).name.lower(), result.file.lower())


class RegisterWords:
    """prompts/check/register.j2 (`set` variables) and the macros of prompts/check/words.j2."""

    def __init__(self, pack: Pack) -> None:
        from assistant.core.prompts import environment

        self.pack = pack
        self.env = environment(pack)
        self.ui = self.env.get_template("check/register.j2").module
        self.cells = self.env.get_template("check/words.j2").module

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ui, name)

    def row(
        self, r: CheckResult, columns: Sequence[str] = COLUMNS, file_width: int = 0
    ) -> list[Any]:
        """The cells of one record, for the `columns` shown (the file's name, not its folder,
        folded to `file_width` cells: fold_name)."""
        deadlines = {d.id: d for d in r.deadlines}
        error = r.verdict == "error"
        name = visible(Path(r.file).name)
        if file_width:
            name = fold_name(name, file_width)
        cells = {
            "file": Text(name, overflow="fold"),
            "verdict": Text(str(self.cells.verdict_cell(r))),
            "findings": Text("-" if error else str(len(r.findings)), justify="right"),
            "panel_notification": Text(
                str(self.cells.deadline_short(deadlines.get("panel_notification")))
            ),
            "rapid_review": Text(str(self.cells.deadline_short(deadlines.get("rapid_review")))),
            "pack": Text("-" if error else visible(str(self.cells.pack_short(r)))),
            "decided_on": Text(str(r.decided_on or "-")),
        }
        return [cells[c] for c in columns]

    def counts(self, results: Sequence[CheckResult]) -> str:
        """The summary line `check` prints, in the same words (prompts/check/words.j2)."""
        return " ".join(str(self.cells.counts(list(results))).split())

    def explain(self, checked: Checked) -> str:
        from assistant.core.prompts import render

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
            yield Static(Text(_visible_lines(self.text)), id="record-text")
        yield Footer()


def _visible_lines(text: str) -> str:
    return "\n".join(visible(line) for line in text.split("\n"))


class RegisterScreen(Screen[None]):
    """The table of records, with filters, sorting and a key to the columns.

    Keys: D differs, O overdue, N needs a reason, W due soon, A all, S sort by next column,
    V reverse, ? key to the columns, Enter open, Q quit.
    """

    BINDINGS: ClassVar = [
        Binding("d", "filter('differs')", "Differs"),
        Binding("o", "filter('overdue')", "Overdue"),
        Binding("n", "filter('needs_reason')", "Reason"),
        Binding("w", "filter('due_soon')", "Due"),
        Binding("a", "show_all", "All"),
        Binding("s", "sort_next", "Sort"),
        Binding("v", "reverse", "Flip"),
        Binding("question_mark", "legend", "Key"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        run: CheckRun,
        words: RegisterWords,
        *,
        today: dt.date | None = None,
        due_within: int = DEFAULT_DUE_WITHIN,
    ) -> None:
        super().__init__()
        self.run = run
        self.words = words
        self.today = today or dt.date.today()
        self.due_within = due_within
        self.active: set[str] = set()
        self.sort_column = COLUMNS.index("verdict")  # severity, then lateness
        self.sort_reverse = False
        self.columns: tuple[str, ...] = ()
        self.file_width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status", classes="status")
        yield DataTable(id="records", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail", classes="detail")  # the record under the cursor, in full
        yield Static(id="legend", classes="legend")
        yield Static(Text(self.words.filter_help), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        legend = self.query_one("#legend", Static)
        legend.update(self.legend_table())
        legend.display = False
        self.relayout(self.app.size.width)
        self.query_one("#records", DataTable).focus()

    def on_resize(self, event: Any) -> None:
        self.relayout(event.size.width)
        self.call_after_refresh(self.show_detail)  # folded again to the new width

    def relayout(self, width: int) -> None:
        """Columns and file-name width for `width`; rebuilt only when they change."""
        columns, file_width = layout(width)
        if (columns, file_width) == (self.columns, self.file_width):
            return
        self.columns, self.file_width = columns, file_width
        table = self.query_one("#records", DataTable)
        table.clear(columns=True)
        for name in columns:
            width = file_width if name == "file" else WIDTHS[name]
            table.add_column(Text(str(self.words.cells.short_heading(name))), key=name, width=width)
        self.fill()

    def legend_text(self) -> str:
        """The key as plain text: a heading per line, then what its column shows."""
        w = self.words
        lines = [w.legend_title]
        for name in COLUMNS:
            lines.append(f"{str(w.cells.short_heading(name)):<13}{w.legend[name]}")
        lines.append(w.legend_due.replace("{n}", str(self.due_within)))
        return "\n".join(lines)

    def legend_table(self) -> Any:
        """The key laid out in two columns, so a wrapped explanation keeps its indent."""
        from rich.console import Group

        w = self.words
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column()
        for name in COLUMNS:
            grid.add_row(str(w.cells.short_heading(name)), str(w.legend[name]))
        return Group(
            Text(w.legend_title, style="bold"),
            grid,
            Text(w.legend_due.replace("{n}", str(self.due_within))),
        )

    @property
    def shown(self) -> list[int]:
        return [
            i
            for i, c in enumerate(self.run.checked)
            if matches(c.result, self.active, self.today, self.due_within)
        ]

    def ordered(self) -> list[int]:
        column = COLUMNS[self.sort_column]
        return sorted(
            self.shown,
            key=lambda i: sort_key(column, self.run.checked[i].result),
            reverse=self.sort_reverse,
        )

    def fill(self) -> None:
        table = self.query_one("#records", DataTable)
        table.clear()
        for i in self.ordered():
            result = self.run.checked[i].result
            cells = self.words.row(result, self.columns, self.file_width)
            table.add_row(*cells, key=str(i), height=None)  # a long name or verdict wraps
        self.show_status()
        self.show_detail()

    def show_status(self) -> None:
        w = self.words
        shown, total = len(self.shown), len(self.run.checked)
        names = dict(w.filters)
        names["due_soon"] = names["due_soon"].replace("{n}", str(self.due_within))
        filters = ", ".join(names[f] for f in FILTERS if f in self.active) or w.all_records
        column = COLUMNS[self.sort_column]
        heading = w.by_severity if column == "verdict" else str(w.cells.heading(column)).lower()
        order = f"{w.sorted_by} {heading}" + (f" ({w.reversed})" if self.sort_reverse else "")
        line = f"{w.showing} {shown} {w.of} {total} {w.records}: {filters}; {order}"
        line += "\n" + w.counts([c.result for c in self.run.checked])
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
        self.fill()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.fill()

    def action_legend(self) -> None:
        """Show the key in the table's place (all of it fits at 80x24), or the table again."""
        legend = self.query_one("#legend", Static)
        table = self.query_one("#records", DataTable)
        legend.display = not legend.display
        table.display = not legend.display
        self.query_one("#detail", Static).display = table.display
        if table.display:
            table.focus()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = COLUMNS.index(str(event.column_key.value))
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column = column
        self.fill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The full name of the record under the cursor, folder and all (the table shows only
        the name, folded or shortened): "File: " and the path, breaking after a "/" or "-"."""
        detail = self.query_one("#detail", Static)
        table = self.query_one("#records", DataTable)
        if not table.row_count:
            detail.update(Text())
            return
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        file = visible(self.run.checked[int(str(key))].result.file)
        label = f"{getattr(self.words.ui, 'detail_file', 'File')}: "
        width = (detail.content_size.width or self.app.size.width - 2) - cell_len(label)
        path = fold_name(file, max(width, MIN_FILE), DETAIL_LINES, _PATH_PIECE)
        grid = Table.grid(padding=0)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(Text(label), Text(path))
        detail.update(grid)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open(int(str(event.row_key.value)))

    def open(self, index: int) -> None:
        checked = self.run.checked[index]
        self.app.push_screen(RecordScreen(checked, self.words.explain(checked)))


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
        due_within: int = DEFAULT_DUE_WITHIN,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.today = today or dt.date.today()
        self.due_within = due_within
        self.words = RegisterWords(pack)
        self.check_run = run if run is not None else check_paths(pack, paths, today=self.today)
        self.title = self.words.app_title
        self.sub_title = f"{pack.meta.title}, version {pack.version}"

    def on_mount(self) -> None:
        self.push_screen(
            RegisterScreen(self.check_run, self.words, today=self.today, due_within=self.due_within)
        )
