"""What the checks found, as `kg validate` and `kg build` show it: problems, reports, the summary line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MAX_SHOWN = 20  # problems listed per check in the text report

# (check name, what it guards) in report order
CHECKS = (
    ("S14", "at most one prefLabel per language"),
    ("S13", "prefLabel, altLabel and hiddenLabel of a concept differ"),
    ("S27", "skos:related never joins concepts a broader chain joins"),
    ("cycles", "no cycle in the broader hierarchy"),
    ("inverses", "every link written both ways"),
    ("orphans", "every concept in the scheme and reachable from a top concept"),
    ("top-concepts", "top concepts written both ways, none with a broader concept"),
    ("labels", "every concept labelled; no two concepts share a prefLabel"),
    ("languages", "every label and note language-tagged with a valid tag"),
    ("scheme", "one concept scheme, labelled and titled, never a concept"),
    ("iris", "http(s) IRIs under one namespace with [a-z][a-z0-9-]* slugs"),
    ("redundancy", "no broader link that a longer chain already implies"),
    ("provenance", "every entry, source and evidence node complete; evidence for stated links only"),
    ("shacl", "our SHACL shapes (ontology/shapes.ttl, inference rdfs)"),
    ("skosify", "Skosify returns the same graph and logs no warning"),
)


@dataclass(frozen=True)
class Problem:
    check: str
    message: str
    severity: str = "violation"  # or "warning"


@dataclass(frozen=True)
class Report:
    file: str
    triples: int
    concepts: int
    problems: tuple[Problem, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (check, why)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict:
        skipped = dict(self.skipped)
        return {
            "file": self.file, "triples": self.triples, "concepts": self.concepts, "valid": self.ok,
            "checks": [{"name": name, "title": title, "skipped": skipped.get(name),
                        "violations": [p.message for p in self.violations if p.check == name],
                        "warnings": [p.message for p in self.warnings if p.check == name]}
                       for name, title in CHECKS],
        }

    def to_text(self) -> str:
        lines = [f"{self.file}: {self.triples} triples, {self.concepts} concepts"]
        skipped = dict(self.skipped)
        for name, title in CHECKS:
            found = [p for p in self.problems if p.check == name]
            bad = [p for p in found if p.severity == "violation"]
            status = "skip" if name in skipped else "FAIL" if bad else "warn" if found else "ok"
            lines.append(f"  {status:<4}  {name:<12} {title}"
                         + (f" ({skipped[name]})" if name in skipped else ""))
            for problem in found[:MAX_SHOWN]:
                lines.append(f"          {problem.severity}: {problem.message}")
            if len(found) > MAX_SHOWN:
                lines.append(f"          … and {len(found) - MAX_SHOWN} more")
        verdict = "valid" if self.ok else f"INVALID: {len(self.violations)} violations"
        lines.append(f"  {verdict}, {len(self.warnings)} warnings")
        return "\n".join(lines)


def build_summary(reports: list[Report]) -> str:
    """One line for `kg build`: what was checked and the verdict."""
    if not reports:
        return "Validated nothing: no Turtle export was written"
    parts = []
    for report in reports:
        skipped = dict(report.skipped)
        if "profile" in skipped:
            parts.append(f"{Path(report.file).name} (not re-read: {skipped['profile']}; "
                         f"`kg validate {Path(report.file).name}` checks it)")
            continue
        ran = ["profile checks"] + [label for check, label in (("shacl", "SHACL"), ("skosify", "Skosify"))
                                  if check not in skipped]
        parts.append(f"{Path(report.file).name} ({', '.join(ran)})")
    violations = sum(len(r.violations) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    verdict = f"{violations} violations" if violations else "no violations"
    large = [Path(r.file).name for r in reports if any(" triples > " in why for _, why in r.skipped)]
    note = (f" (too large for pySHACL and Skosify in a build: `kg validate {', '.join(large)}` runs them)"
            if large else "")
    return f"Validated {'; '.join(parts)}: {verdict}, {warnings} warnings{note}"


def reports_json(reports: list[Report]) -> str:
    return json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False)
