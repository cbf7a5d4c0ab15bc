"""Damaged or foreign case files: a clear message naming the file, and the file left untouched."""

from __future__ import annotations

import pytest

from assistant.core.case import load_case
from assistant.core.errors import InputError

GOOD = "contract: 1\nfacts:\n  immediate_risk: no\n  subject_age_band: under_16\n  harm: died\n"


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("cut.yaml", GOOD.encode()[:40] + b'\n  harm: "di', "not valid YAML"),
        ("cut.json", b'{"contract": 1, "facts": {"harm": "di', "not valid JSON"),
        ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (
            "newer.yaml",
            b"contract: 2\nfacts: {harm: died}\nwellbeing: {}\n",
            "written for contract version 2, newer than this assistant reads",
        ),
        ("newer.json", b'{"contract": 3, "facts": {}}', "contract version 3"),
        ("empty.yaml", b"", "empty"),
        ("list.yaml", b"- harm: died\n", "not a case"),
    ],
)
def test_damaged_case_file_is_a_clear_message_and_untouched(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_case(path)
    message = str(caught.value)
    assert words in message and str(path) in message
    assert path.read_bytes() == content
