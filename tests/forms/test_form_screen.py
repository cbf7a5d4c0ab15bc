"""The form screen in a small Textual app: pre-filled, checked, insisting on endorsement, saved."""

from __future__ import annotations

import stat

import pytest
from textual.widgets import Input, SelectionList, Static, TextArea

from assistant.core.engine import decide
from assistant.tui.screens.referral import (
    ConfirmCloseScreen,
    ConfirmUnendorsedScreen,
    PreviewScreen,
    PreviewText,
    ReferralFormScreen,
    widget_id,
)
from tests.support.forms import HOSTILE, TODAY, serious
from tests.support.pilot import FormApp, prepared
from tests.support.readback import docx_rows

SIBLINGS = (
    "From the answers: no child is at risk now who has not been referred to children's social "
    "care or the police."
)


def field(app, name, kind=Input):
    return app.screen.query_one(f"#{widget_id(name)}", kind)


def error_text(app, name) -> str:
    error = app.screen.query_one(f"#error-{widget_id(name)}", Static)
    return str(error.render()) if error.has_class("-shown") else ""


async def type_into(pilot, app, name, text):
    app.screen.query_one(f"#{widget_id(name)}").focus()
    await pilot.pause()
    await pilot.press(*text)


@pytest.mark.slow
async def test_fill_check_preview_and_save_a_word_form(pack, tmp_path):
    app = FormApp(serious(pack))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReferralFormScreen)
        # pre-filled from the answers and the decision
        assert field(app, "incident.date").value == "2026-02-27"
        assert field(app, "incident.aware_date").value == "2026-03-02"
        assert field(app, "child.address_area").value == "Testshire"
        assert (
            "Two or more agencies working together (reg 11(c))"
            in field(app, "reasons", TextArea).text
        )
        assert "child_death_review" in field(app, "parallel_processes", SelectionList).selected
        assert field(app, "incident.location").value == "In Testshire"
        assert field(app, "incident.type").value == "Death"
        assert field(app, "family.siblings_safe", TextArea).text == SIBLINGS
        assert "must endorse" in str(screen.query_one("#endorsement-status", Static).render())
        assert (
            str(screen.query_one("#child-age", Static).render())
            == "Age (from your answers): Under 16"
        )

        # typed like a person: names, and mistakes that are caught
        await type_into(pilot, app, "referrer.name", "Alex Morgan")
        await type_into(pilot, app, "referrer.email", "alex at example")
        await pilot.press("tab")
        await pilot.pause()
        assert "Not an email address" in error_text(app, "referrer.email")
        field(app, "referrer.email").value = "alex.morgan@example.org"
        field(app, "referrer.phone").value = "phone me"
        field(app, "child.date_of_birth").value = "31/02/2025"
        field(app, "referrer.role").value = "Health visitor"
        field(app, "referrer.agency").value = "Community health"
        field(app, "child.name").value = "Baby R"
        field(app, "incident.description", TextArea).text = HOSTILE
        save_path = tmp_path / "referral.docx"
        screen.query_one("#save-path", Input).value = str(save_path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not a phone number" in error_text(app, "referrer.phone")
        assert "Not a date" in error_text(app, "child.date_of_birth")
        assert not save_path.exists() and app.screen is screen

        field(app, "referrer.phone").value = "0161 000 0001"
        field(app, "child.date_of_birth").value = "20/11/2025"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # no endorsement yet: the screen insists, and going back leads to the endorser's name
        assert isinstance(app.screen, ConfirmUnendorsedScreen)
        await pilot.click("#confirm-back")
        await pilot.pause()
        assert app.screen is screen and not save_path.exists()
        assert app.focused is field(app, "endorsed_by.name")
        await pilot.press(*"Priya Shah")
        await pilot.pause()
        assert "Endorsed by" in str(screen.query_one("#endorsement-status", Static).render())
        field(app, "endorsed_by.role").value = "Named nurse"
        field(app, "endorsed_by.agency").value = "Community health"
        rows = list(screen.query(".agency-name"))
        rows[0].value = "GP"
        screen.query(".agency-involvement").first().value = "new birth checks"
        screen.query(".agency-contact").first().value = "Dr A Patel"

        # a preview before saving, then save from the preview
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await prepared(pilot, app.screen)
        assert "Baby R" in app.screen.markdown
        assert app.screen.query_one("#preview", PreviewText).source == app.screen.markdown
        await pilot.click("#preview-save")
        await pilot.pause()

    assert app.result == str(save_path)
    assert stat.S_IMODE(save_path.stat().st_mode) == 0o600
    table = docx_rows(save_path.read_bytes())
    for row in (
        ["Name", "Alex Morgan"],
        ["Secure email address", "alex.morgan@example.org"],
        ["Name", "Priya Shah"],
        ["Date of birth", "20 November 2025"],
        ["What happened", HOSTILE],
        ["GP", "new birth checks", "Dr A Patel"],
        ["Whether brothers, sisters and other children are safe", SIBLINGS],
        ["Area where the child lives", "Testshire"],
        ["Other processes", "Child death review"],
    ):
        assert row in table


@pytest.mark.slow
async def test_saving_without_endorsement_when_confirmed_carries_the_warning(pack, tmp_path):
    app = FormApp(serious(pack))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#save-format").value = "txt"
        await pilot.pause()
        path = tmp_path / "form.txt"
        screen.query_one("#save-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#confirm-save")
        await pilot.pause()
    text = path.read_text(encoding="utf-8")
    assert "!! WARNING: this referral has not been endorsed" in text
    assert app.result == str(path)


@pytest.mark.slow
async def test_in_a_browser_the_form_is_delivered_not_written(pack, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = FormApp(serious(pack), web=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#save-path")  # no file path in a browser
        field(app, "endorsed_by.name").value = "Priya Shah"
        await pilot.press("ctrl+s")
        await pilot.pause()
    data, name, mime = app.delivered[0]
    assert name.startswith("practice-review-referral-2026-06-02") and name.endswith(".docx")
    assert mime.endswith("wordprocessingml.document")
    assert ["Name", "Priya Shah"] in docx_rows(data)
    assert list(tmp_path.rglob("*.docx")) == []


@pytest.mark.slow
async def test_in_a_browser_text_formats_are_delivered_as_text(pack, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = FormApp(serious(pack), web=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        field(app, "endorsed_by.name").value = "Priya Shah"
        field(app, "reasons", TextArea).text = HOSTILE
        app.screen.query_one("#save-format").value = "html"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    text, name, mime = app.delivered[0]
    assert isinstance(text, str) and name.endswith(".html") and mime == "text/html"
    assert "&lt;script&gt;" in text and "<script>" not in text


@pytest.mark.slow
async def test_escape_closes_without_saving(pack):
    app = FormApp(serious(pack))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


@pytest.mark.slow
async def test_closing_after_typing_asks_first(pack):
    app = FormApp(serious(pack))
    async with app.run_test() as pilot:
        await pilot.pause()
        form = app.screen
        await type_into(pilot, app, "referrer.name", "Alex")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmCloseScreen)
        await pilot.press("escape")  # escape again keeps the form and what was typed
        await pilot.pause()
        assert app.screen is form and field(app, "referrer.name").value == "Alex"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#confirm-save")
        await pilot.pause()
    assert app.result is None


def test_a_decision_without_a_form_is_refused(pack):
    from assistant.core.errors import InputError

    decision = decide(pack, {"immediate_risk": "yes"}, today=TODAY)
    with pytest.raises(InputError, match="no referral form"):
        ReferralFormScreen(pack, decision, {"immediate_risk": "yes"})


@pytest.mark.slow
async def test_a_saved_path_holding_markup_is_shown_literally(pack, tmp_path):
    """The 'saved to' notice repeats a path the user typed; '[bold]' or '[i]' in it is text."""
    app = FormApp(serious(pack))
    folder = tmp_path / "[bold]case[i]x"
    folder.mkdir()
    path = folder / "form.txt"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#save-format").value = "txt"
        await pilot.pause()
        screen.query_one("#save-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#confirm-save")
        await pilot.pause()
        notices = [n.message for n in app._notifications]
        markups = [n.markup for n in app._notifications]
    assert path.exists()
    assert any(str(path) in message for message in notices)
    assert markups and not any(markups)


async def test_the_preview_opens_at_once_and_says_it_is_preparing(pack):
    """The form is rendered in a worker: until it is ready the preview says so, and saving
    waits for it; then the form is drawn as one widget."""
    import threading

    release = threading.Event()

    def slow_form() -> str:
        release.wait(10)
        return "# Practice review referral\n\nBaby R"

    app = FormApp(serious(pack))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        words = app.screen.words
        preview = PreviewScreen(slow_form, words)
        app.push_screen(preview)
        await pilot.pause()
        text = preview.query_one("#preview", PreviewText)
        assert str(text.render()) == words.say("preview_preparing") == "Preparing the preview…"
        assert text.has_class("-preparing") and preview.markdown == ""
        await pilot.press("ctrl+s")  # nothing read through yet: not saved, not closed
        await pilot.pause()
        assert app.screen is preview
        release.set()
        await prepared(pilot, preview)
        assert text.source == preview.markdown and not text.has_class("-preparing")
        lines = text.render_lines(text.region.reset_offset)
        assert any("Baby R" in strip.text for strip in lines)


async def test_closing_the_preview_while_it_is_prepared_and_a_form_that_cannot_be_made(pack):
    import threading

    from assistant.core.errors import InputError

    release = threading.Event()

    def slow_form() -> str:
        release.wait(10)
        return "Baby R"

    def broken_form() -> str:
        raise InputError("the Word template is missing")

    app = FormApp(serious(pack))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        form_screen = app.screen
        words = form_screen.words
        preview = PreviewScreen(slow_form, words)
        app.push_screen(preview)
        await pilot.pause()
        await pilot.press("escape")  # back to the form before the preview is ready
        await pilot.pause()
        assert app.screen is form_screen
        release.set()
        for _ in range(50):
            await pilot.pause(0.01)
        assert app.screen is form_screen and preview.markdown == ""  # nothing shown, no crash

        broken = PreviewScreen(broken_form, words)
        app.push_screen(broken)
        text = None
        for _ in range(300):
            await pilot.pause(0.01)
            text = str(broken.query_one("#preview", PreviewText).render())
            if text != words.say("preview_preparing"):
                break
        assert text == "The preview could not be prepared: the Word template is missing"
        await pilot.press("ctrl+s")  # nothing to read through: not saved
        await pilot.pause()
        assert app.screen is broken
