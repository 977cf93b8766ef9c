"""axe-core in the browser scenario: every page a person visits is checked against the WCAG 2.1
A and AA rules, once per role, width and kind of page.

axe-core comes from the npm registry (`npm install --prefix var/axe axe-core@4`; .ci/run does
it). Without it the checks are skipped, with a reason; CI (CI=true) refuses to run without it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_SKIP_REASON = (
    "axe-core is not installed: `npm install --prefix var/axe axe-core@4` (.ci/run does it)"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in the page: the violations, each with the first few elements concerned.
RUN_AXE = """async tags => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => ({target: n.target.join(" "),
                                        html: n.html.slice(0, 160),
                                        summary: n.failureSummary})),
    count: v.nodes.length,
  }));
}"""

# What tells two views of one page apart for the check: its path (numbers as N), and how many
# forms, fields and buttons it shows (a task page before and after acknowledging differ).
SIGNATURE = """() => [document.forms.length,
  document.querySelectorAll("input:not([type=hidden]), select, textarea").length,
  document.querySelectorAll("button").length].join("/")"""


def axe_available() -> bool:
    return AXE.exists()


def require_axe_in_ci() -> None:
    """CI installs axe-core; a CI run without it must not pass without the checks."""
    if os.environ.get("CI") and not axe_available():
        pytest.fail(f"CI must install axe-core: {AXE_SKIP_REASON}")


def require_axe() -> None:
    """In a test that is about accessibility: skip with the reason, or fail in CI."""
    if axe_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must install axe-core: {AXE_SKIP_REASON}")
    pytest.skip(AXE_SKIP_REASON)


@dataclass
class Audit:
    """The violations found so far in one test, by page."""

    seen: set[tuple] = field(default_factory=set)
    found: dict[str, list[dict]] = field(default_factory=dict)
    pages_checked: int = 0

    def prepare(self, context) -> None:
        """axe-core in every page of this browser window, before the page's own scripts (an
        init script is not subject to the page's Content-Security-Policy)."""
        if axe_available():
            context.add_init_script(path=str(AXE))

    def check(self, page, who: str) -> None:
        if not axe_available():
            return
        path = re.sub(r"\d+", "N", page.url.split("://", 1)[-1].split("/", 1)[-1])
        key = (who, page.viewport_size["width"], path, page.evaluate(SIGNATURE))
        if key in self.seen:
            return
        self.seen.add(key)
        self.pages_checked += 1
        for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
            self.found.setdefault(f"{who} @{key[1]}px /{path}", []).append(violation)

    def report(self) -> str:
        lines = []
        for where, violations in self.found.items():
            lines.append(where)
            for v in violations:
                lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements)")
                for node in v["nodes"]:
                    lines.append(f"      {node['target']}  {node['html']}")
        return "\n".join(lines)

    def assert_clean(self) -> None:
        assert not self.found, "WCAG 2.1 A/AA violations (axe-core):\n" + self.report()
