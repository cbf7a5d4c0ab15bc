"""The draft store: atomic private files, damaged and foreign files left untouched, encryption."""

import datetime as dt
import json
import os
import stat

import pytest

from assistant.core.drafts import (
    FORMAT,
    Draft,
    DraftDamaged,
    DraftNotFound,
    DraftStore,
    DraftTooNew,
    DraftWrongPassphrase,
    PassphraseNeeded,
)
from assistant.core.errors import InputError
from assistant.core.settings import drafts_dir, load_settings


def _draft(store: DraftStore, **answers) -> Draft:
    draft = store.new("salford", "2026.11.0")
    draft.set_answers(answers or {"immediate_risk": "no", "subject_age_band": "under_16"})
    draft.route = "no_referral"
    return draft


def test_saved_draft_round_trips_with_dates(data_dir):
    store = DraftStore()
    draft = _draft(store, immediate_risk="no", harm="unknown", aware_date=dt.date(2026, 11, 2))
    draft.transcript = [{"role": "user", "text": "[bold]not sure[/] <script>"}]
    path = store.save(draft)
    assert path == drafts_dir() / f"{draft.id}.json"
    loaded = DraftStore().load(draft.id)
    assert loaded.engine_answers() == {
        "immediate_risk": "no",
        "harm": "unknown",
        "aware_date": dt.date(2026, 11, 2),
    }
    assert list(loaded.answers) == ["immediate_risk", "harm", "aware_date"]  # answer order kept
    assert loaded.transcript[0].text == "[bold]not sure[/] <script>"
    raw = json.loads(path.read_text())
    assert raw["format"] == FORMAT and raw["pack"] == {"name": "salford", "version": "2026.11.0"}
    assert raw["status"] == "in_progress"


def test_folder_is_0700_and_files_0600_whatever_the_umask(data_dir):
    old = os.umask(0o000)  # the most permissive umask: modes must be set explicitly
    try:
        store = DraftStore()
        path = store.save(_draft(store))
        store.save(_draft(store))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o700
    for file in store.root.iterdir():
        assert stat.S_IMODE(os.stat(file).st_mode) == 0o600, file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_existing_group_readable_folder_is_made_private(data_dir):
    root = data_dir / "drafts"
    root.mkdir(parents=True)
    os.chmod(root, 0o755)
    store = DraftStore()
    store.save(_draft(store))
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700


def test_save_leaves_no_temporary_files(data_dir):
    store = DraftStore()
    draft = _draft(store)
    for _ in range(5):
        store.save(draft)
    assert [p.name for p in store.root.iterdir()] == [f"{draft.id}.json"]


def test_a_failed_write_keeps_the_previous_draft(data_dir, monkeypatch):
    store = DraftStore()
    draft = _draft(store)
    path = store.save(draft)
    before = path.read_bytes()
    draft.set_answers({**draft.engine_answers(), "harm": "died"})

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store.save(draft)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in store.root.iterdir()] == [path.name]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (b'{"format": 1, "id": "abcd1234", "created": "2026-11-2', "cut short"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "not a draft"),
        (b'{"id": "abcd1234"}', "not a draft"),
        (
            b'{"format": 1, "id": "abcd1234", "created": "2026-11-01T10:00:00Z", "updated": "2026-11-01T10:00:00Z", '
            b'"pack": {"name": "salford", "version": "1"}, "answers": {"harm": "a lot"}}',
            "damaged",
        ),
    ],
)
def test_damaged_draft_is_a_clear_message_and_is_left_untouched(data_dir, content, words):
    store = DraftStore()
    store.root.mkdir(parents=True)
    path = store.root / "abcd1234.json"
    path.write_bytes(content)
    with pytest.raises(DraftDamaged) as caught:
        store.load("abcd1234")
    message = str(caught.value)
    assert words in message and "abcd1234" in message and "left as it is" in message
    assert isinstance(caught.value, InputError)
    assert path.read_bytes() == content
    # starting afresh gives another id, so the damaged file is never overwritten
    fresh = store.new("salford", "2026.11.0")
    assert fresh.id != "abcd1234"
    store.save(fresh)
    assert path.read_bytes() == content
    listed = {i.id: i for i in store.list()}
    assert listed["abcd1234"].problem and listed["abcd1234"].status == "unreadable"


def test_newer_format_draft_is_refused_and_kept(data_dir):
    store = DraftStore()
    store.root.mkdir(parents=True)
    path = store.root / "beef0001.json"
    content = json.dumps({"format": 2, "id": "beef0001", "answers": {"new_fact": "x"}}).encode()
    path.write_bytes(content)
    with pytest.raises(DraftTooNew) as caught:
        store.load("beef0001")
    assert "newer version" in str(caught.value) and "format 2" in str(caught.value)
    assert path.read_bytes() == content
    assert {i.id: i for i in store.list()}["beef0001"].status == "unreadable"


def test_unknown_or_hostile_ids_are_refused(data_dir):
    store = DraftStore()
    for bad in ("../../etc/passwd", "", "ABC", "a" * 40):
        with pytest.raises(DraftNotFound):
            store.load(bad)
    with pytest.raises(DraftNotFound):
        store.load("0000ffff")
    with pytest.raises(DraftNotFound):
        store.delete("0000ffff")


def test_encrypted_draft_hides_answers_and_opens_with_its_passphrase(data_dir):
    store = DraftStore(passphrase="correct horse")
    draft = _draft(store, immediate_risk="no", harm="died")
    draft.transcript = [{"role": "user", "text": "Baby K, 14 Acacia Avenue"}]
    path = store.save(draft)
    store.close()  # that session ends, so another may open the draft and save it
    raw = path.read_text()
    assert "Acacia" not in raw and "died" not in raw and "harm" not in raw
    assert json.loads(raw)["encrypted"]["kdf"] == "scrypt"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    with pytest.raises(PassphraseNeeded):
        DraftStore().load(draft.id)
    before = path.read_bytes()
    with pytest.raises(DraftWrongPassphrase) as caught:
        DraftStore().load(draft.id, passphrase="Correct horse")
    assert "does not open" in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert path.read_bytes() == before  # a wrong passphrase never loses the draft

    reader = DraftStore()
    loaded = reader.load(draft.id, passphrase="correct horse")
    assert loaded.answers == {"immediate_risk": "no", "harm": "died"}
    assert loaded.transcript[0].text == "Baby K, 14 Acacia Avenue"
    # saving again after opening keeps it encrypted with the same passphrase
    loaded.answers["abuse_or_neglect"] = "known"
    reader.save(loaded)
    assert "known" not in path.read_text()
    assert (
        DraftStore().load(draft.id, passphrase="correct horse").answers["abuse_or_neglect"]
        == "known"
    )
    info = DraftStore().list()[0]
    assert info.encrypted and info.answers is None and info.route is None


def test_tampered_encrypted_block_is_damaged_not_a_crash(data_dir):
    store = DraftStore(passphrase="pw")
    draft = _draft(store)
    path = store.save(draft)
    data = json.loads(path.read_text())
    data["encrypted"]["n"] = 2**40  # a cost that would hang the machine
    path.write_text(json.dumps(data))
    with pytest.raises(DraftDamaged):
        DraftStore().load(draft.id, passphrase="pw")
    data["encrypted"]["n"] = 2**14
    data["encrypted"]["salt"] = "%%%"
    path.write_text(json.dumps(data))
    with pytest.raises(DraftDamaged):
        DraftStore().load(draft.id, passphrase="pw")


def test_delete_and_purge(data_dir):
    store = DraftStore()
    old, recent = _draft(store), _draft(store)
    store.save(old)
    store.save(recent)
    # age the first draft by 100 days, as its file records it
    path = store.path_for(old.id)
    data = json.loads(path.read_text())
    data["updated"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=100)).isoformat()
    path.write_text(json.dumps(data))
    assert [i.id for i in store.stale(90)] == [old.id]
    gone = store.purge(90)
    assert [i.id for i in gone] == [old.id]
    assert not path.exists()
    store.delete(recent.id)
    assert store.list() == []


def test_settings_file_and_environment(data_dir, monkeypatch):
    assert load_settings().retention_days == 90
    data_dir.mkdir(parents=True)
    (data_dir / "settings.toml").write_text("retention_days = 30\nencrypt = true\n")
    settings = load_settings()
    assert settings.retention_days == 30 and settings.encrypt
    monkeypatch.setenv("REVIEW_ASSISTANT_RETENTION_DAYS", "7")
    assert load_settings().retention_days == 7
    monkeypatch.setenv("REVIEW_ASSISTANT_RETENTION_DAYS", "soon")
    with pytest.raises(InputError, match="whole number"):
        load_settings()
    monkeypatch.delenv("REVIEW_ASSISTANT_RETENTION_DAYS")
    (data_dir / "settings.toml").write_text("retention_days = [\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_settings()
