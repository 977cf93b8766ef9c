"""Run the breakdown engine over every sample directive and print the six quality metrics.

    .venv/bin/python bench/breakdown_eval.py [--verbose]

Samples live in tests/breakdown/samples/: NAME.txt with NAME.json beside it
({"committee": CODE, "expected": <contract JSON>}); committees/CODE.json holds the
committee's agencies. Samples whose name starts with "heldout_", "heldout2_" or "heldout3_"
(rounds written later, each before the engine was run on it) were never used for tuning and
are reported separately.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from breakdown import propose_tasks  # noqa: E402
from breakdown.scoring import Score, load_directory, score  # noqa: E402

SAMPLES = ROOT / "tests" / "breakdown" / "samples"
TARGETS = {
    "items_found": 0.90,
    "real_task_precision": 0.80,
    "lead_exact": 0.85,
    "support_exact": 0.75,
    "deadline_exact": 0.80,
    "header_fields": 0.90,
}


def evaluate(paths: list[Path]) -> Score:
    total = Score()
    for path in paths:
        spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        directory = load_directory(SAMPLES / "committees" / f"{spec['committee']}.json")
        proposed = propose_tasks(path.read_text(encoding="utf-8"), directory).to_dict()
        total.add(score(spec["expected"], proposed, name=path.stem))
    return total


def report(title: str, result: Score, *, verbose: bool) -> None:
    print(f"== {title}: {result.expected_tasks} expected tasks, {result.proposed_tasks} proposed")
    for name, value in result.metrics().items():
        mark = "ok " if value >= TARGETS[name] else "LOW"
        print(f"  {mark} {name:<20} {value:6.1%}  (target {TARGETS[name]:.0%})")
    if verbose:
        for problem in result.problems:
            print(f"     - {problem}")
    elif result.problems:
        print(f"  ({len(result.problems)} differences; --verbose lists them)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    args = parser.parse_args()
    paths = sorted(p for p in SAMPLES.glob("*.txt") if p.with_suffix(".json").exists())
    tuning = [p for p in paths if not p.name.startswith("heldout")]
    held_out = [p for p in paths if p.name.startswith("heldout_")]
    held_out_2 = [p for p in paths if p.name.startswith("heldout2_")]
    held_out_3 = [p for p in paths if p.name.startswith("heldout3_")]
    report(f"tuning samples ({len(tuning)})", evaluate(tuning), verbose=args.verbose)
    if held_out:
        report(f"held-out samples ({len(held_out)})", evaluate(held_out), verbose=args.verbose)
    if held_out_2:
        title = f"second-round held-out samples ({len(held_out_2)})"
        report(title, evaluate(held_out_2), verbose=args.verbose)
    if held_out_3:
        title = f"third-round held-out samples ({len(held_out_3)})"
        report(title, evaluate(held_out_3), verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
