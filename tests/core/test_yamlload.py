"""The line-remembering YAML loader: same values as yaml.safe_load, plus lines and strictness."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.core.yamlload import LineDict, LineList, YamlError, line_of, load_yaml_text

SAME_AS_SAFE_LOAD = [
    "a: 1\nb: [x, 2026-01-01, yes, no, null, 1.5, '01', 0x1f, ~]\n",
    "base: &b {a: 1, b: [x]}\nother:\n  <<: *b\n  a: 2\n  c: *b\n",
    "- &x {k: v}\n- *x\n- !!set {p, q}\n- !!str 2026-01-01\n- 'yes'\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "{}\n",
    "[]\n",
]


@pytest.mark.parametrize("text", SAME_AS_SAFE_LOAD)
def test_values_are_those_of_safe_load(text: str) -> None:
    assert load_yaml_text(text) == yaml.safe_load(text)


def test_lines_of_keys_and_items() -> None:
    data = load_yaml_text("rules:\n  - id: A\n    when:\n      harm: died\n  - id: B\n")
    assert isinstance(data, LineDict) and isinstance(data["rules"], LineList)
    assert data["rules"].item_lines == [2, 5]
    assert line_of(data, ("rules", 0, "when", "harm")) == 4
    assert line_of(data, ("rules", 1, "id")) == 5
    assert line_of(data, ("rules", 1, "missing")) == 5  # the deepest part found


def test_an_alias_is_the_same_value() -> None:
    data = load_yaml_text("a: &x [1]\nb: *x\n")
    assert data["a"] is data["b"]


def test_a_repeated_key_is_an_error_but_overriding_a_merged_key_is_not() -> None:
    with pytest.raises(
        YamlError, match="line 3: not valid YAML: the key 'a' appears twice \\(first on line 2\\)"
    ):
        load_yaml_text("x: 1\na: 1\na: 2\n")
    assert load_yaml_text("b: &b {a: 1}\nc:\n  <<: *b\n  a: 2\n")["c"] == {"a": 2}
    with pytest.raises(YamlError, match="the key 'a' appears twice"):
        load_yaml_text("b: &b {a: 1}\nc:\n  <<: *b\n  a: 2\n  a: 3\n")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("? [a]\n: 1\n", "a key must be a plain word"),
        ("a: !!python/name:os.system\n", "could not determine a constructor"),
        ("a: !!binary xx\n", "base64"),
        ("a: [1\n", "not valid YAML"),
        ("a: 2026-02-30\nb: [x\n", "not valid YAML"),
    ],
)
def test_errors_are_yaml_errors(text: str, fragment: str) -> None:
    with pytest.raises(YamlError, match=fragment):
        load_yaml_text(text, "f.yaml")


def test_an_impossible_date_stays_text() -> None:
    assert load_yaml_text("a: 2026-02-30\n") == {"a": "2026-02-30"}


def test_the_shipped_pack_files_all_load() -> None:
    root = Path(__file__).resolve().parents[2] / "rules" / "salford"
    files = sorted((root / "rules").glob("*.yaml")) + [root / "pack.yaml", root / "questions.yaml"]
    for path in files:
        assert load_yaml_text(path.read_text(encoding="utf-8"), str(path)) == yaml.safe_load(
            path.read_text(encoding="utf-8")
        )
