"""Lint: every cited source tag is in sources.yaml; every Do-now wording names a real duty."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.core.pack import default_rules_dir, load_pack
from assistant.lint.sources import source_findings


def _copy_pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(
        default_rules_dir(), target, ignore=shutil.ignore_patterns("tests", "scenarios")
    )
    return target


def test_the_shipped_pack_cites_only_listed_sources():
    assert source_findings(load_pack()) == []


def test_a_tag_without_a_source_is_found(tmp_path):
    root = _copy_pack(tmp_path)
    sources = root / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    start = text.index("  - id: S30\n")
    end = text.index("  - id: S31\n")
    sources.write_text(text[:start] + text[end:], encoding="utf-8")
    found = source_findings(load_pack(root))
    assert found and all("S30" in f.message for f in found)
    assert "sources.yaml does not list" in found[0].message


def test_a_do_now_wording_for_no_duty_is_found(tmp_path):
    root = _copy_pack(tmp_path)
    labels = root / "labels.yaml"
    text = labels.read_text(encoding="utf-8")
    labels.write_text(
        text.replace("  rapid_review:\n    what:", "  rapid_reveiw:\n    what:"), encoding="utf-8"
    )
    found = source_findings(load_pack(root))
    assert any("'rapid_reveiw'" in f.message for f in found)
