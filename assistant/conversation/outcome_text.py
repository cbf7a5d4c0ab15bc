"""The outcome in words: the chat's outcome (prompts/chat/outcome.md.j2, in the shared shape of
prompts/outcome/), and the pieces other screens show (timeline, review options, what is open).

Textual-free (plain mode and tests can use it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from assistant.conversation.ui_words import say, ui
from assistant.core.engine import Decision
from assistant.core.pack import Pack


def timeline(pack: Pack, decision: Decision) -> list[dict[str, Any]]:
    """Notifications and deadlines, dated ones first in date order."""
    items: list[dict[str, Any]] = []
    for n in decision.notifications:
        label = pack.labels.notifications.get(n.id)
        items.append(
            {
                "due": n.due,
                "label": label.label if label else n.id.replace("_", " "),
                "who": n.who,
                "certain": n.certain,
                "basis": n.basis,
            }
        )
    for d in decision.deadlines:
        label = pack.labels.deadlines.get(d.id)
        items.append(
            {
                "due": d.due,
                "label": label.label if label else (d.what or d.id.replace("_", " ")),
                "who": d.who,
                "certain": d.certain,
                "basis": d.basis or "dates",
            }
        )
    return sorted(items, key=lambda t: (t["due"] is None, t["due"] or dt.date.max))


def review_options(pack: Pack, decision: Decision) -> list[dict[str, str]]:
    """Each local review option with its explanation and why it fits (the proposing rules)."""
    out: list[dict[str, str]] = []
    for option in decision.reviews.local_options:
        label = pack.labels.local_options.get(option)
        why = [
            r.title or r.text
            for r in decision.reasons
            if any(
                option in rule.then.reviews.local_options
                for rule in pack.rules_by_id.get(r.rule, [])
            )
        ]
        out.append(
            {
                "label": label.label if label else option.replace("_", " "),
                "text": label.text if label else "",
                "why": "; ".join(why),
            }
        )
    return out


def unsettled(
    pack: Pack, decision: Decision, settled: set[str] | None = None
) -> list[dict[str, Any]]:
    """Decision fields (other than the route) that a "not sure" answer leaves open."""
    out: list[dict[str, Any]] = []
    for u in decision.unsettled:
        facts = [f for f in u.facts if f not in (settled or set())]
        if u.field == "route" or not facts:
            continue
        what = getattr(ui(pack), "decision_fields", {}).get(u.field)
        if what is None:
            table = (
                getattr(pack.labels, u.field, {})
                if u.field in ("signposts", "local_options", "notifications")
                else {}
            )
            label = table.get(u.value) if isinstance(table, dict) else None
            what = label.label if label else u.value.replace("_", " ")
        out.append({"what": what, "facts": [pack.fact_label(f) for f in facts]})
    return out


def outcome_markdown(
    pack: Pack,
    decision: Decision,
    answers: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> str:
    """The whole outcome as Markdown (pack words escaped, so they show as written).

    `answers` (the facts on the path) keeps facts already answered out of "what would change
    this": only a "not sure" or an unasked question can still settle the outcome. `today` (the
    conversation's date) marks a duty due today or overdue; None shows the dates only.
    """
    from assistant.core.outcome import build_outcome

    outcome = build_outcome(pack, decision, answers, today)
    return say(pack, "outcome.md", decision=decision, outcome=outcome)
