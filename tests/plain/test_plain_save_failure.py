"""Plain mode when drafts cannot be saved: a warning, the urgent advice, and the conversation goes
on. The data folder's parent is a regular file, so the folder cannot be made even by root (who
ignores file modes)."""

from __future__ import annotations

import errno
import io

from assistant.commands.plain import PlainSession
from assistant.core import load_pack
from tests.support.terminal import run_cli

PACK = load_pack()


def _blocked(env, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data folder should be")
    return {**env, "REVIEW_ASSISTANT_DATA": str(blocker / "data")}


def test_yes_to_risk_with_an_unwritable_data_folder_shows_the_urgent_block(env, tmp_path):
    done = run_cli(["plain"], _blocked(env, tmp_path), "1\n")
    out = done.stdout
    assert done.returncode == 0, done.stderr  # the outcome was shown
    assert "Traceback" not in out + done.stderr
    assert "Saving has stopped" in out and "carry on without saving, or quit" in out
    for contact in PACK.meta.contacts:
        assert contact.phone in out
    assert "saved as a draft" not in out + done.stderr
    assert "Your answers are saved as draft" not in out.split("Saving has stopped")[1]
    assert "Nothing was saved: saving had stopped." in out


def test_the_conversation_goes_on_after_saving_stops(env, tmp_path):
    done = run_cli(["plain"], _blocked(env, tmp_path), "2\n2\nquit\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Saving has stopped") == 1
    assert "Question 3: " in done.stdout


def test_in_process_a_full_disk_warns_and_the_urgent_advice_follows(env, tmp_path, monkeypatch):
    from assistant.core.drafts import DraftStore

    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(tmp_path / "data"))

    def full(self, draft):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DraftStore, "save", full)
    out = io.StringIO()
    session = PlainSession(PACK, io.StringIO("1\n"), out)
    assert session.run() == 0
    text = out.getvalue()
    assert "Saving has stopped: the disk is full." in text
    warned = text.index("Saving has stopped")
    for contact in PACK.urgent_contacts:
        assert text.index(contact.phone) > warned
    assert "I have made the referral: carry on with the review questions" in text
