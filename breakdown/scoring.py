"""Scoring a breakdown against a hand-written expectation (the six quality metrics).

Used by ``bench/breakdown_eval.py`` and the sample tests.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from breakdown.agencies import AgencyDirectory, AgencyRecord
from breakdown.text import fold

HEADER_FIELDS = ("number", "doc_type", "issued_on", "issuer", "subject")


@dataclass
class Score:
    expected_tasks: int = 0
    proposed_tasks: int = 0
    matched: int = 0
    lead_exact: int = 0
    support_exact: int = 0
    deadline_exact: int = 0
    recurrence_exact: int = 0
    header_fields: int = 0
    header_right: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "expected_tasks",
            "proposed_tasks",
            "matched",
            "lead_exact",
            "support_exact",
            "deadline_exact",
            "recurrence_exact",
            "header_fields",
            "header_right",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)

    def metrics(self) -> dict[str, float]:
        def ratio(part: int, whole: int) -> float:
            return part / whole if whole else 1.0

        return {
            "items_found": ratio(self.matched, self.expected_tasks),
            "real_task_precision": ratio(self.matched, self.proposed_tasks),
            "lead_exact": ratio(self.lead_exact, self.matched),
            "support_exact": ratio(self.support_exact, self.matched),
            "deadline_exact": ratio(self.deadline_exact, self.matched),
            "header_fields": ratio(self.header_right, self.header_fields),
        }


def load_directory(path: Path) -> AgencyDirectory:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = [
        AgencyRecord(
            code=item["code"],
            name=item["name"],
            short_name=item.get("short_name", ""),
            aliases=item.get("aliases", []),
            kind=item.get("kind", "other"),
        )
        for item in data["agencies"]
    ]
    return AgencyDirectory(
        records, place_name=data.get("place_name", ""), standing_code=data.get("standing", "")
    )


def _norm(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    return re.sub(r"\s+", " ", text).strip(" .").casefold()


def _text_key(text: str) -> str:
    return re.sub(r"\W+", " ", fold(text)).strip()


def _same_text(expected: str, proposed: str) -> bool:
    want, got = _text_key(expected), _text_key(proposed)
    return bool(want) and (got.startswith(want) or want in got[: len(want) + 60])


def _match(expected: list[dict], proposed: list[dict]) -> list[tuple[dict, dict]]:
    pairs: list[tuple[dict, dict]] = []
    free = list(proposed)
    pending = []
    for want in expected:
        hit = next(
            (
                got
                for got in free
                if got["ref"] == want["ref"] and _same_text(want["text"], got["text"])
            ),
            None,
        )
        if hit is None:
            pending.append(want)
            continue
        free.remove(hit)
        pairs.append((want, hit))
    for want in pending:
        hit = next((got for got in free if _same_text(want["text"], got["text"])), None)
        if hit is not None:
            free.remove(hit)
            pairs.append((want, hit))
    return pairs


def score(expected: dict, proposed: dict, *, name: str = "") -> Score:
    """Compare one breakdown (contract JSON) with its expectation."""
    result = Score(expected_tasks=len(expected["tasks"]), proposed_tasks=len(proposed["tasks"]))
    for key in HEADER_FIELDS:
        result.header_fields += 1
        if _norm(expected["directive"].get(key)) == _norm(proposed["directive"].get(key)):
            result.header_right += 1
        else:
            result.problems.append(
                f"{name} header {key}: want {expected['directive'].get(key)!r} "
                f"got {proposed['directive'].get(key)!r}"
            )
    pairs = _match(expected["tasks"], proposed["tasks"])
    result.matched = len(pairs)
    matched_ids = {id(got) for _, got in pairs}
    matched_wants = {id(want) for want, _ in pairs}
    for want in expected["tasks"]:
        if id(want) not in matched_wants:
            result.problems.append(f"{name} missed task {want['ref']}: {want['text'][:60]}")
    for got in proposed["tasks"]:
        if id(got) not in matched_ids:
            result.problems.append(f"{name} extra task {got['ref']}: {got['text'][:60]}")
    for want, got in pairs:
        ref = want["ref"]
        if set(want["lead"]) == set(got["lead"]) and want["all_members"] == got["all_members"]:
            result.lead_exact += 1
        else:
            result.problems.append(
                f"{name} {ref} lead: want {sorted(want['lead'])} all={want['all_members']} "
                f"got {sorted(got['lead'])} all={got['all_members']}"
            )
        if set(want["support"]) == set(got["support"]):
            result.support_exact += 1
        else:
            result.problems.append(
                f"{name} {ref} support: want {sorted(want['support'])} got {sorted(got['support'])}"
            )
        if want["deadline"] == got["deadline"]:
            result.deadline_exact += 1
        else:
            result.problems.append(
                f"{name} {ref} deadline: want {want['deadline']} got {got['deadline']} "
                f"({got['deadline_rule']!r})"
            )
        if want.get("recurrence") == got.get("recurrence"):
            result.recurrence_exact += 1
        else:
            result.problems.append(
                f"{name} {ref} recurrence: want {want.get('recurrence')} "
                f"got {got.get('recurrence')}"
            )
    return result
