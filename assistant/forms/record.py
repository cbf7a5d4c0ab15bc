"""The JSON decision record for coordinators: the case, the decision and the rule pack version.

The record nests the case (a valid case file: facts, dates, referral) under `case`, so it never
clashes with a case file's own `decision:` block (what the partnership chose).
"""

from __future__ import annotations

import json
from typing import Any

from assistant.core import contract
from assistant.forms.context import Form

RECORD_KIND = "referral_form"


def decision_record(form: Form) -> dict[str, Any]:
    """The record as plain JSON data."""
    facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in form.answers.items()}
    case: dict[str, Any] = {"contract": contract.CONTRACT_VERSION, "facts": facts}
    case["referral"] = form.referral.model_dump(mode="json", exclude_none=True)
    return {
        "contract": contract.CONTRACT_VERSION,
        "record": RECORD_KIND,
        "form": form.id,
        "prepared_on": form.prepared_on.isoformat(),
        "rules": {
            "name": form.pack.name,
            "title": form.pack.meta.title,
            "version": form.pack.version,
        },
        "endorsed": form.endorsed,
        "still_to_complete": form.missing,
        "case": case,
        "decision": form.decision.to_json(trace=False),
    }


def render_json(form: Form) -> str:
    """The record as JSON text; free text is kept as typed (no ASCII escaping)."""
    return json.dumps(decision_record(form), indent=2, ensure_ascii=False) + "\n"
