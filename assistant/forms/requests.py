"""Requests to agencies: one letter per agency asking for a summary and a chronology.

After a referral, the partnership asks each agency involved for a summary of its involvement and
a chronology of significant events (the SSCP toolkit's agency summary and chronology templates).
`write_requests(case, pack, out_dir, fmt)` writes one request per agency in the case's
`referral.agencies`, UI-free, in Word (docxtpl), Markdown or HTML:

- the case reference: the child's initials and the case's dates, no more personal data;
- what is asked: a summary of the agency's involvement, and a chronology as a table to fill
  (date, source, event, action taken, outcome);
- the period to cover: `agency_requests.period_months` before the incident (pack.yaml);
- the date it is due back: `agency_requests.working_days` working days after the request date,
  marked "confirm locally" unless the pack gives it a source;
- where to send it: the pack's `referral_address`.

Free text (the agency's name) reaches the templates as data and is reproduced exactly: the
Markdown, HTML and Word environments of assistant.forms escape it each their own way. Files are
saved readable by their owner only, and an existing file is never replaced without `force`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.case import CaseFile
from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.core.paths import default_prompts_dir

FORMATS = {"docx": ".docx", "md": ".md", "html": ".html"}
TEMPLATES = {"md": "requests/request.md.j2", "html": "requests/request.html.j2"}
DOCX_TEMPLATE = "agency-request.docx"
CHRONOLOGY_COLUMNS = ("Date", "Source", "Event", "Action taken", "Outcome")
BLANK_ROWS = 8


class RequestsExist(InputError):
    """Requests are in the folder already; nothing was written. `existing`: those files."""

    def __init__(self, message: str, existing: list[Path]) -> None:
        super().__init__(message)
        self.existing = existing


@dataclass
class Written:
    """One request written: the agency it is for, the file, and the date it is due back."""

    agency: str
    path: Path
    due: dt.date


def initials(name: str | None) -> str:
    """A person's initials (Child Alpha Zulu -> C.A.Z.); letters only, whatever was typed."""
    if not name:
        return ""
    words = re.findall(r"[^\W\d_]+", name)
    return "".join(f"{w[0].upper()}." for w in words[:6])


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    import calendar

    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _slug(name: str) -> str:
    """A file-name part from an agency's name: ASCII letters and digits only, never a path."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return slug or "agency"


def request_context(
    case: CaseFile,
    pack: Pack,
    agency: str,
    number: int,
    total: int,
    request_date: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """Everything one request's template prints (docs/coordinators.md lists the names)."""
    from assistant.core.calendar import add_working_days

    settings = pack.meta.agency_requests
    if settings is None:
        raise InputError(
            f"{pack.path}: pack.yaml has no agency_requests (working_days, period_months); "
            "add them to write requests to agencies"
        )
    if not pack.meta.referral_address:
        raise InputError(
            f"{pack.path}: pack.yaml has no referral_address (where agencies send their "
            "summaries and chronologies); add it to write requests to agencies"
        )
    referral = case.referral
    assert referral is not None
    facts = case.fact_values()
    incident = referral.incident.date or facts.get("incident_date")
    aware = referral.incident.aware_date or facts.get("aware_date")
    given = period is not None
    if period is None:
        end = incident or aware or request_date
        period = (months_before(end, settings.period_months), end)
    confirm = settings.status == "unconfirmed"
    child = referral.child
    return {
        "partnership": pack.meta.title,
        "area": pack.meta.area,
        "agency": agency,
        "number": number,
        "total": total,
        "reference": {
            "initials": initials(child.name),
            "date_of_birth": child.date_of_birth,
            "expected_due_date": child.expected_due_date,
            "incident_date": incident,
            "aware_date": aware,
        },
        "request_date": request_date,
        "due_date": add_working_days(request_date, settings.working_days),
        "working_days": settings.working_days,
        "due_confirm_locally": confirm,
        "period_from": period[0],
        "period_to": period[1],
        "period_months": settings.period_months,
        "period_given": given,
        "address": pack.meta.referral_address,
        "columns": list(CHRONOLOGY_COLUMNS),
        "blank_rows": list(range(BLANK_ROWS)),
    }


def docx_template_path(pack: Pack) -> Path:
    """The pack's own prompts/requests/agency-request.docx if it has one, else the shipped one."""
    if pack.prompts_dir is not None:
        own = pack.prompts_dir / "requests" / DOCX_TEMPLATE
        if own.is_file():
            return own
    return default_prompts_dir() / "requests" / DOCX_TEMPLATE


def render_request(
    context: dict[str, Any], pack: Pack, fmt: str, template: Path | None = None
) -> bytes:
    """One request as bytes: Word from a docxtpl template, or Markdown or HTML from Jinja2."""
    if fmt == "docx":
        return _render_docx(context, template or docx_template_path(pack))
    if fmt in TEMPLATES:
        from assistant.forms.text import environment

        text = environment(fmt, pack).get_template(TEMPLATES[fmt]).render(**context)
        return text.encode("utf-8")
    raise InputError(f"--format {fmt}: requests are written as {', '.join(FORMATS)}")


def _render_docx(context: dict[str, Any], path: Path) -> bytes:
    import io
    import zipfile

    import jinja2
    from docxtpl import DocxTemplate

    from assistant.forms.docx import _environment

    if not path.is_file():
        raise InputError(f"{path}: no such Word template")
    try:
        document = DocxTemplate(str(path))
        document.render(context, jinja_env=_environment(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except jinja2.UndefinedError as exc:
        raise InputError(
            f"{path}: the template uses a tag a request does not have ({exc.message}); "
            "docs/coordinators.md lists the tags"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"{path}: a template tag is not written correctly ({exc.message})"
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a Word document (.docx) that can be read ({exc})") from None
    return out.getvalue()


def write_requests(
    case: CaseFile,
    pack: Pack,
    out_dir: Path | str,
    fmt: str = "docx",
    *,
    request_date: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    template: Path | None = None,
    force: bool = False,
    protect: Path | None = None,
) -> list[Written]:
    """Write one request per agency in `case.referral.agencies` into `out_dir`.

    Nothing is written if any file exists already (unless `force`), or if a target is the
    `protect`ed path (the case file). The folder is created (readable by its owner only) if its
    parent exists.
    """
    from assistant.forms.save import save_private

    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: requests are written as {', '.join(FORMATS)}")
    if template is not None and fmt != "docx":
        raise InputError("--template is a Word template; use it with --format docx")
    referral = case.referral
    if referral is None or not referral.agencies:
        raise InputError(
            "the case has no agencies to ask: add them under referral.agencies, for example "
            "agencies: [{name: Health visiting}, {name: Police}]"
        )
    names: list[str] = []
    for i, agency in enumerate(referral.agencies):
        if not agency.name or not agency.name.strip():
            raise InputError(
                f"referral.agencies[{i}].name: empty; give each agency's name (the request is "
                "addressed to it)"
            )
        names.append(agency.name)
    if period is not None and period[0] > period[1]:
        raise InputError(
            f"the period to cover starts ({period[0]}) after it ends ({period[1]}); check both dates"
        )
    request_date = request_date or dt.date.today()
    folder = Path(out_dir).expanduser()
    targets = [
        folder / f"request-{n:02d}-{_slug(name)}{FORMATS[fmt]}" for n, name in enumerate(names, 1)
    ]
    if protect is not None and any(
        t.resolve() == Path(protect).resolve() for t in targets if t.exists()
    ):
        raise InputError(f"{protect}: a request would overwrite the case file; choose another -o")
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        shown = ", ".join(str(t) for t in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise RequestsExist(
            f"{shown}{more}: already exists; nothing was written. Choose another -o folder, or "
            "add --force to replace the requests there",
            existing,
        )
    documents = []
    for n, (name, target) in enumerate(zip(names, targets, strict=True), 1):
        context = request_context(case, pack, name, n, len(names), request_date, period)
        documents.append((name, target, context, render_request(context, pack, fmt, template)))
    if not folder.exists():
        if not folder.parent.is_dir():
            raise InputError(
                f"{folder}: its folder {folder.parent} does not exist; create it or choose another -o"
            )
        folder.mkdir(mode=0o700)
    elif not folder.is_dir():
        raise InputError(f"{folder}: not a folder; -o names the folder the requests go in")
    written = []
    for name, target, context, data in documents:
        save_private(target, data)
        written.append(Written(agency=name, path=target, due=context["due_date"]))
    return written
