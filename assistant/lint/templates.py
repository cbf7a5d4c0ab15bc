"""Template checks: every prompt template renders, for every route, without an undefined name.

Templates are rendered with Jinja2's StrictUndefined (as the assistant renders them), so a
misspelt variable or a label missing from labels.yaml is an error here, not a blank in front
of a practitioner. The outcomes rendered are the ones the path walk reached: one per route,
certain and not, with and without dates.

A template is checked when lint knows a context for it. TEMPLATE_CHECKS maps a template name
to a function building its contexts from the pack and the walked outcomes; add an entry when
you add a template whose context lint cannot guess (keep the builder UI-free: no Textual).
Any other template whose free names are all among `pack`, `labels`, `decision` and `facts` is
rendered with an outcome; the rest are listed as not checked.

Templates render in the assistant's sandbox (assistant.core.prompts), so lint never runs code a
template smuggles in; a template that reads Python's internals (`__globals__`, `mro`) is
reported with its line and not rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from jinja2 import nodes

from assistant.core.pack import Pack
from assistant.core.paths import default_prompts_dir
from assistant.core.prompts import environment
from assistant.forms.selfcheck import check_forms
from assistant.lint.explore import Sample
from assistant.lint.findings import Finding
from assistant.lint.schema import problem_finding

Context = dict[str, Any]
ContextBuilder = Callable[[Pack, list[Sample]], Iterable[tuple[str, Context]]]


def _decision_contexts(pack: Pack, samples: list[Sample]) -> Iterator[tuple[str, Context]]:
    for sample in samples:
        yield _describe(sample), {"decision": sample.decision, "facts": sample.answers}


TEMPLATE_CHECKS: dict[str, ContextBuilder] = {
    "decision.txt.j2": _decision_contexts,
}
"""Template name (relative to prompts/) -> the contexts to render it with."""

_GUESSABLE = frozenset({"pack", "labels", "decision", "facts"})


def _describe(sample: Sample) -> str:
    decision = sample.decision
    return f"route {decision.route}{'' if decision.certain else ' (not certain)'}"


def template_findings(pack: Pack, samples: list[Sample]) -> tuple[list[Finding], list[str], int]:
    """(findings, notes, renderings): render every known template against every sample."""
    env = environment(pack)
    findings: list[Finding] = []
    notes: list[str] = []
    renderings = 0
    unchecked: list[str] = []
    for name in _template_names(pack):
        # parsed once: the syntax check, the names it needs, then compiled only if rendered
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            refused = _unsafe_findings(name, tree, filename)
            if refused:  # the sandbox would refuse it: not rendered, every place reported
                findings.extend(refused)
                continue
            # a pack's own version of a shipped template (form_findings renders the forms)
            shipped = None if name.startswith("forms/") else _shipped_tree(env, name, filename)
            if shipped is not None:
                findings.extend(_missing_exports(name, tree, shipped, filename))
            builder = TEMPLATE_CHECKS.get(name)
            if builder is None:
                # a quick look first: jinja2.meta's exact answer generates the template's code
                if not _names_read(tree, env) <= _GUESSABLE or not (
                    jinja2.meta.find_undeclared_variables(tree) <= _GUESSABLE
                ):
                    unchecked.append(name)
                    if shipped is not None:  # not rendered: check the names it reads
                        findings.extend(_unknown_names(env, name, tree, shipped, filename))
                    continue
                builder = _decision_contexts
            template = env.template_class.from_code(
                env, env.compile(tree, name, filename), env.make_globals(None)
            )
        except jinja2.TemplateSyntaxError as exc:
            if _other_environment(exc):
                unchecked.append(name)
                continue
            findings.append(
                Finding(
                    "template", exc.filename or name, exc.lineno, f"template error: {exc.message}"
                )
            )
            continue
        reported: set[tuple[str, int | None, str]] = set()
        for description, context in builder(pack, samples):
            renderings += 1
            try:
                template.render(pack=pack, labels=pack.labels, **context)
            except jinja2.UndefinedError as exc:
                file, line = _template_line(exc, template.filename or name)
                key = (file, line, str(exc))
                if key not in reported:
                    reported.add(key)
                    findings.append(
                        Finding(
                            "template",
                            file,
                            line,
                            f"{name} cannot be shown for {description}: {exc.message}; "
                            "check the name, or add the missing words to labels.yaml",
                        )
                    )
            except Exception as exc:  # a template is pack data: any failure is a finding
                file, line = _template_line(exc, template.filename or name)
                findings.append(
                    Finding("template", file, line, f"{name} fails for {description}: {exc}")
                )
                break
    unchecked = [name for name in unchecked if not name.startswith("forms/")]  # form_findings
    if unchecked:
        notes.append(
            f"{len(unchecked)} templates are not rendered, only checked for the names and macros "
            "they use (lint cannot build their context; add one to TEMPLATE_CHECKS in "
            f"assistant/lint/templates.py): {', '.join(unchecked)}"
        )
    return findings, notes, renderings


def form_findings(pack: Pack, samples: list[Sample]) -> tuple[list[Finding], int]:
    """The referral forms in every format for the walked outcomes (assistant.forms.selfcheck),
    as findings; and how many outcomes were tried."""
    outcomes = [(s.decision, s.answers) for s in samples]
    problems = check_forms(pack, outcomes)
    return [problem_finding("template", file, problem) for file, problem in problems], len(outcomes)


_BOUND_BY_JINJA = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})


def _unsafe_findings(name: str, tree: Any, filename: str | None) -> list[Finding]:
    """Every attribute the template reads that reaches Python's internals (`__class__`,
    `__globals__`, `mro` ...): the sandbox refuses the template when it is shown."""
    from assistant.core.prompts import unsafe_uses

    return [
        Finding(
            "template",
            filename or name,
            line,
            f"{name} reads '{attribute}', which no template may use: it reaches Python's "
            "internals, not the assistant's words, so the assistant refuses to show the "
            "template. Remove it (a shared pack with this may be trying to run code)",
        )
        for line, attribute in unsafe_uses(tree)
    ]


def _names_read(tree: nodes.Template, env: jinja2.Environment) -> set[str]:
    """Names a template reads and never binds itself: never more than the names it needs from
    its context (jinja2.meta.find_undeclared_variables), so a name here that lint cannot give
    settles that the template cannot be checked, without generating its code."""
    read: set[str] = set()
    bound: set[str] = set(_BOUND_BY_JINJA) | set(env.globals)
    for name in tree.find_all(nodes.Name):
        (read if name.ctx == "load" else bound).add(name.name)
    for imported in tree.find_all(nodes.Import):
        bound.add(imported.target)
    for from_import in tree.find_all(nodes.FromImport):
        bound.update(n if isinstance(n, str) else n[1] for n in from_import.names)
    for macro in tree.find_all(nodes.Macro):
        bound.add(macro.name)
    return read - bound


def _shipped_tree(
    env: jinja2.Environment, name: str, filename: str | None
) -> nodes.Template | None:
    """The parsed shipped template that the pack's own `filename` stands in for; None when
    `filename` is the shipped template itself (tested with the app) or a new one."""
    shipped = default_prompts_dir() / name
    if not filename or not shipped.is_file() or Path(filename).resolve() == shipped.resolve():
        return None
    return env.parse(shipped.read_text(encoding="utf-8"), name, str(shipped))


def _unknown_names(
    env: jinja2.Environment,
    name: str,
    tree: nodes.Template,
    shipped: nodes.Template,
    filename: str,
) -> list[Finding]:
    """For a pack template lint cannot render: every name it reads must be one the shipped
    template mentions (those the assistant gives it)."""
    given = {n.name for n in shipped.find_all(nodes.Name)} | {"pack", "labels"}
    unknown = sorted(_names_read(tree, env) - given)
    if not unknown:
        return []
    offered = ", ".join(sorted(_names_read(shipped, env) | {"pack", "labels"}))
    found: list[Finding] = []
    for word in unknown:
        line = min(
            n.lineno for n in tree.find_all(nodes.Name) if n.name == word and n.ctx == "load"
        )
        found.append(
            Finding(
                "template",
                filename,
                line,
                f"{name} uses '{word}', which the assistant never gives this template "
                f"(it gives: {offered}); check the spelling against the shipped {name}",
            )
        )
    return found


def _missing_exports(
    name: str, tree: nodes.Template, shipped_tree: nodes.Template, filename: str
) -> list[Finding]:
    """For a template the app reads as a module (only `set`s and macros, as chat/ui.j2): every
    word and macro of the shipped one must be there (the assistant uses them)."""
    if not _is_module(shipped_tree):
        return []
    found: list[Finding] = []
    own = _exported(tree)
    for exported, (what, line) in _exported(shipped_tree).items():
        if exported not in own:
            found.append(
                Finding(
                    "template",
                    filename,
                    None,
                    f"{name} defines no {what} '{exported}', which the assistant uses; copy it "
                    f"from the shipped {name} (line {line})",
                )
            )
    return found


def _is_module(tree: nodes.Template) -> bool:
    """Whether a template only defines words and macros (the app reads it as a module)."""
    for node in tree.body:
        if isinstance(node, nodes.Output):
            if any(
                not (isinstance(n, nodes.TemplateData) and not n.data.strip()) for n in node.nodes
            ):
                return False
        elif not isinstance(node, nodes.Macro | nodes.Assign | nodes.AssignBlock):
            return False
    return True


def _exported(tree: nodes.Template) -> dict[str, tuple[str, int]]:
    """What a template read as a module gives the app: its macros and top-level `set`s."""
    found: dict[str, tuple[str, int]] = {}
    for node in tree.body:
        if isinstance(node, nodes.Macro):
            found[node.name] = ("macro", node.lineno)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            for target in (
                node.target.find_all(nodes.Name)
                if not isinstance(node.target, nodes.Name)
                else [node.target]
            ):
                found[target.name] = ("word (set)", node.lineno)
    return found


def _template_names(pack: Pack) -> list[str]:
    names: set[str] = set()
    for folder in (pack.prompts_dir, default_prompts_dir()):
        if folder is not None and Path(folder).is_dir():
            names.update(
                str(p.relative_to(folder)) for p in Path(folder).rglob("*.j2") if p.is_file()
            )
    return sorted(names)


def _other_environment(exc: Exception) -> bool:
    """A filter or test another part of the app adds (the chat's `md`): not ours to check."""
    text = str(exc)
    return text.startswith("No filter named") or text.startswith("No test named")


def _template_line(exc: BaseException, default_file: str) -> tuple[str, int | None]:
    """The template file and line of a rendering error (Jinja2 rewrites the traceback)."""
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return getattr(exc, "filename", None) or default_file, lineno
    file, line = default_file, None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            file, line = name, tb.tb_lineno
        tb = tb.tb_next
    return file, line
