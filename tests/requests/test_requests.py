"""`review-assistant requests`: one request per agency, through the real CLI, read back.

The first test runs `python -m assistant` in a real subprocess; the others run the same command
line in this process (tests.support.terminal run_command), which spares an interpreter start each.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from assistant.core.calendar import add_working_days
from assistant.core.case import load_case
from assistant.core.errors import InputError
from assistant.core.pack import load_pack
from assistant.forms.requests import initials, months_before, write_requests
from tests.support.terminal import run_command

HERE = Path(__file__).parent
CASE = HERE / "case.yaml"
HOSTILE = 'Health visiting <b>& {{ 7*7 }} *stars* {%p if x %} _{_ \\ "q"'
ADDRESS = "SSCP@salford.gov.uk"
# Monday 30 November 2026 + 10 working days = Monday 14 December 2026
REQUEST_DATE = "2026-11-30"
DUE = dt.date(2026, 12, 14)


def subprocess_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "requests", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_command(["requests", *args])


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_two_agencies_make_two_word_documents_read_back(tmp_path):
    done = subprocess_cli(str(CASE), "-o", str(tmp_path / "out"), "--date", REQUEST_DATE)
    assert done.returncode == 0, done.stderr
    files = sorted((tmp_path / "out").glob("*.docx"))
    assert [f.name for f in files] == [
        "request-01-health-visiting-b-7-7-stars-p-if-x-q.docx",
        "request-02-greater-manchester-police.docx",
    ]
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    assert add_working_days(dt.date(2026, 11, 30), 10) == DUE
    for path, agency in zip(files, (HOSTILE, "Greater Manchester Police"), strict=True):
        text = docx_text(path)
        assert f"To: {agency}" in text  # hostile text exactly as typed
        assert "Please reply by 14 December 2026" in text  # a working day
        assert "(timescale: confirm locally)" in text
        assert ADDRESS in text
        assert "Child's initials: C.A.Z." in text
        assert "Date of the incident: 2 January 2026" in text
        assert "From 2 January 2025 to 2 January 2026" in text
        assert "Date | Source | Event | Action taken | Outcome" in text
        # no more personal data than the reference needs
        for secret in ("Alpha", "Secret Street", "Secret Description", "Secret Involvement"):
            assert secret not in text
    assert "49" not in docx_text(files[0])  # the template syntax was never run
    assert "due back 2026-12-14" in done.stderr


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_requests(tmp_path, fmt):
    done = cli(str(CASE), "-o", str(tmp_path), "--format", fmt, "--date", REQUEST_DATE)
    assert done.returncode == 0, done.stderr
    first, second = sorted(tmp_path.glob(f"*.{fmt}"))
    text = first.read_text(encoding="utf-8")
    other = second.read_text(encoding="utf-8")
    assert "14 December 2026" in text and ADDRESS in text and "Greater Manchester Police" in other
    if fmt == "html":
        assert "&lt;b&gt;&amp; {{ 7*7 }} *stars*" in text and "<b>&" not in text
    else:
        assert r"\<b\>\& {{ 7\*7 }} \*stars\*" in text
        assert "| Date | Source | Event | Action taken | Outcome |" in text
    assert "Secret" not in text


def test_existing_requests_are_kept_unless_force(tmp_path):
    out = tmp_path / "out"
    assert cli(str(CASE), "-o", str(out), "--date", REQUEST_DATE).returncode == 0
    first = sorted(out.glob("*.docx"))[0]
    before = first.read_bytes()
    again = cli(str(CASE), "-o", str(out), "--date", "2026-12-01")
    assert again.returncode == 2
    assert "already exists; nothing was written" in again.stderr and "--force" in again.stderr
    assert first.read_bytes() == before
    forced = cli(str(CASE), "-o", str(out), "--date", "2026-12-01", "--force")
    assert forced.returncode == 0
    assert "Please reply by 15 December 2026" in docx_text(first)


def test_a_partnership_can_use_its_own_word_template(tmp_path):
    from docx import Document as New

    own = New()
    own.add_paragraph("Our letter to {{ agency }}, due {{ due_date }}, send to {{ address }}")
    template = tmp_path / "ours.docx"
    own.save(str(template))
    done = cli(
        str(CASE), "-o", str(tmp_path / "out"), "--template", str(template), "--date", REQUEST_DATE
    )
    assert done.returncode == 0, done.stderr
    text = docx_text(sorted((tmp_path / "out").glob("*.docx"))[1])
    assert (
        text == f"Our letter to Greater Manchester Police, due 14 December 2026, send to {ADDRESS}"
    )

    bad = New()
    bad.add_paragraph("{{ agnecy }}")
    bad.save(str(tmp_path / "bad.docx"))
    done = cli(str(CASE), "-o", str(tmp_path / "o2"), "--template", str(tmp_path / "bad.docx"))
    assert done.returncode == 2 and "agnecy" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o2").exists()  # nothing written


def test_bad_input_is_a_clear_message(tmp_path):
    no_agencies = tmp_path / "none.yaml"
    no_agencies.write_text(
        CASE.read_text(encoding="utf-8").split("  agencies:")[0], encoding="utf-8"
    )
    done = cli(str(no_agencies), "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and "referral.agencies" in done.stderr
    done = cli(str(CASE), "-o", str(tmp_path / "missing" / "deeper"))
    assert done.returncode == 2 and "does not exist" in done.stderr
    done = cli(str(CASE), "-o", str(tmp_path / "x"), "--from", "2026-02-01", "--to", "2026-01-01")
    assert done.returncode == 2 and "starts (2026-02-01) after it ends" in done.stderr
    for done in (cli(str(CASE)), cli(str(CASE), "-o", str(tmp_path), "--format", "pdf")):
        assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_writer_is_a_ui_free_function(tmp_path):
    case = load_case(CASE)
    pack = load_pack()
    written = write_requests(
        case,
        pack,
        tmp_path,
        "md",
        # Friday 18 December 2026: Christmas Day, Boxing Day's substitute (Monday 28th) and
        # New Year's Day are not working days
        request_date=dt.date(2026, 12, 18),
        period=(dt.date(2025, 6, 1), dt.date(2026, 1, 2)),
    )
    assert [w.agency for w in written] == [HOSTILE, "Greater Manchester Police"]
    assert written[0].due == dt.date(2027, 1, 6)
    text = written[0].path.read_text(encoding="utf-8")
    assert "From **1 June 2025** to **2 January 2026**." in text
    with pytest.raises(InputError, match="already exists"):
        write_requests(case, pack, tmp_path, "md")


def test_initials_and_months():
    assert initials("Child Alpha Zulu") == "C.A.Z."
    assert initials("<script>o'brien</script> 12") == "S.O.B.S."
    assert initials(None) == ""
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 2), 12) == dt.date(2025, 1, 2)


def test_the_shipped_pack_says_where_and_when():
    meta = load_pack().meta
    assert meta.referral_address == ADDRESS
    assert meta.agency_requests is not None and meta.agency_requests.status == "unconfirmed"
    assert os.path.isfile(HERE.parents[1] / "prompts" / "requests" / "agency-request.docx")
