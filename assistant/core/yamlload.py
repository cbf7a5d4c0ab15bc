"""YAML loading that remembers line numbers, so every error can point at a line.

PyYAML forgets where a value came from once it is built. This loader builds `LineDict` and
`LineList` instead of dict and list; each remembers the line of every key or item, so that a
pydantic error location such as ("rules", 3, "when") can be turned back into "file, line N".
Duplicate keys are errors: a repeated key silently replacing the first is how a typo hides.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A dict that knows the line it started on and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A list that knows the line it started on and the line of each item."""

    line: int = 0
    item_lines: list[int]


class YamlError(Exception):
    """A YAML file could not be read; the message names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")


# libyaml's parser when it is there (ten times faster on a rule pack); the constructors below
# are the same either way, so behaviour and line numbers do not depend on it.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    # a mapping inside a tagged node (!!set, !!omap ...) that the loader builds itself
    return _build(loader, node, {})


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    return _build(loader, node, {})


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """A date-like scalar that is not a real day (2026-02-30) stays text, so validation can say so."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


_STR = "tag:yaml.org,2002:str"
_MAP = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG


def _build(loader: _Loader, node: yaml.Node, built: dict[int, Any]) -> Any:
    """Build the document from its nodes; the same result as loader.construct_document(node).

    PyYAML's generic construct_object costs more than libyaml's parsing; a rule pack is mostly
    plain text, mappings and lists, built directly here. Every other scalar (numbers, yes/no,
    dates) and every other tag goes through the loader's constructors as before. An alias is
    the same node object, so `built` gives it the same value.
    """
    found = built.get(id(node))
    if found is not None:
        return found
    tag = node.tag
    if tag == _STR and isinstance(node, yaml.ScalarNode):
        value: Any = node.value
    elif tag == _SEQ and isinstance(node, yaml.SequenceNode):
        items = built[id(node)] = LineList()
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        items.extend(_build(loader, child, built) for child in node.value)
        return items
    elif tag == _MAP and isinstance(node, yaml.MappingNode):
        # YAML merge keys (<<: *base): the merged pairs come first and the mapping's own keys
        # may override them; only a key written twice in the mapping itself is an error
        own = {id(key_node) for key_node, _ in node.value}
        loader.flatten_mapping(node)
        mapping = built[id(node)] = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        merged: set[Any] = set()
        for key_node, value_node in node.value:
            key = _build(loader, key_node, built)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key must be a plain word, not a list or mapping",
                    key_node.start_mark,
                ) from None
            if id(key_node) not in own:
                merged.add(key)
            elif key in merged:
                merged.discard(key)
                del mapping[key]
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} appears twice (first on line {mapping.key_lines[key]})",
                    key_node.start_mark,
                )
            mapping[key] = _build(loader, value_node, built)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping
    else:
        value = loader.construct_object(node, deep=True)
    built[id(node)] = value
    return value


_MAX_EXPANSION = 100_000  # values after aliases are expanded; far above any real file


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias (*name) is expanded."""
    sizes: dict[int, int] = {}
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:  # iterative: a deep document must not exhaust the stack here
        node, done = pending.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if done:
            sizes[id(node)] = min(
                1 + sum(sizes.get(id(c), 0) for c in children), _MAX_EXPANSION + 1
            )
        else:
            pending.append((node, True))
            pending.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _load(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text and _expanded_size(node) > _MAX_EXPANSION:  # "billion laughs"
            raise YamlError("", node.start_mark.line + 1, "")
        return _build(loader, node, {})
    finally:
        loader.dispose()


def load_yaml_text(text: str, path: str = "<text>") -> Any:
    """Parse YAML text; raise YamlError with the line of the problem."""
    try:
        return _load(text)
    except YamlError:
        raise YamlError(
            path,
            None,
            f"not valid YAML: its aliases (*name) expand to more than {_MAX_EXPANSION} values; "
            "write the values out instead",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlError(path, line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, None, f"not valid YAML: {exc}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # PyYAML cannot build it
        raise YamlError(path, None, f"not valid YAML: {exc}") from None


MAX_YAML_BYTES = 8 * 1024 * 1024
"""The largest YAML file of a rule pack, scenario or forms' words read (8 MB)."""


class FileProblem(Exception):
    """A file that cannot be read as text; the message says why and what to do (no path)."""


def read_text_file(path: Path | str, limit: int, hint: str) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes, newlines as text mode reads
    them. Opened without blocking and checked before reading: a named pipe or a device is
    refused at once instead of waiting (or reading) for ever, an enormous file before any of it
    is read. `hint` says what to give instead ("give a case file (.yaml or .json)")."""
    megabytes = f"{limit / 1024 / 1024:g} MB"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except IsADirectoryError:
        raise FileProblem(f"this is a folder; {hint}") from None
    except OSError as exc:
        raise FileProblem(f"cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(f"this is a folder; {hint}")
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"not a regular file (a pipe, socket or device); {hint}")
        if info.st_size > limit:
            raise FileProblem(
                f"the file is {info.st_size / 1024 / 1024:.1f} MB; it may be at most "
                f"{megabytes}: check that this is the right file"
            )
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise FileProblem(f"cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise FileProblem(f"the file is over {megabytes}; check that this is the right file")
    try:
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise FileProblem("the file is not UTF-8 text") from None


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, min(1 << 20, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def load_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file (a regular file of at most MAX_YAML_BYTES); errors name the
    file and line."""
    try:
        text = read_text_file(path, MAX_YAML_BYTES, "give a YAML file")
    except FileProblem as exc:
        raise YamlError(str(path), None, str(exc)) from None
    return load_yaml_text(text, str(path))


def line_of(data: Any, loc: Sequence[Any]) -> int | None:
    """The line of the deepest part of `loc` found in `data` (a LineDict/LineList tree)."""
    line = getattr(data, "line", None) or None
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.key_lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.item_lines[key]
            node = node[key]
        else:
            break
    return line
