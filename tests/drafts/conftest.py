import pytest


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A private data folder for each test (REVIEW_ASSISTANT_DATA), and no passphrase from outside."""
    root = tmp_path / "data"
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(root))
    monkeypatch.delenv("REVIEW_ASSISTANT_PASSPHRASE", raising=False)
    monkeypatch.delenv("REVIEW_ASSISTANT_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("REVIEW_ASSISTANT_DEBUG_LOG", raising=False)
    return root
