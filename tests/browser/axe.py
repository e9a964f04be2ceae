"""axe-core, from npm, run inside a Playwright page.

The script is the one `npm ci` installs (package.json pins its version). It is
evaluated through the DevTools protocol rather than added as a <script> tag,
so the site's Content-Security-Policy (no inline scripts) stays on while axe
looks at the page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
BLOCKING_IMPACTS = ("moderate", "serious", "critical")

_RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
    summaries: violation.nodes.map((node) => node.failureSummary || ""),
  }));
}"""


@cache
def axe_source() -> str:
    """Return the text of axe.min.js; fail with what to do when it is missing."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in the repository root")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def blocking_violations(page) -> list[dict]:
    """Run axe on the page as it is now; return its violations that are not minor."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(_RUN_AXE)
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """Say, one line per node, which rule failed, why, and where."""
    lines = []
    for violation in violations:
        rule = f"[{violation['impact']}] {violation['id']}: {violation['help']}"
        lines.append(f"  {rule}")
        for target, summary in zip(
            violation["targets"], violation["summaries"], strict=True
        ):
            reason = " ".join(summary.split())[:200]
            lines.append(f"      {target}  ({reason})")
    return "\n".join(lines)
