"""A test's result: which properties passed, the partial credit, and one sentence on the mistake.

The same text is shown to a student running the visible checks and written into the autograded
notebook and the feedback, so it names properties and mistakes, never hidden input values.

Diagnoses are made, stored and grouped in English (the canonical form: results JSON, the
class report); :meth:`Verdict.render` translates them where a student reads them, through the
catalogue of :mod:`autograder.ru`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from minigrad.i18n import Catalog, resolve

from .ru import RU

CATALOG = Catalog({"ru": RU})
LABELS = {
    "forward": "forward values",
    "shape": "gradient shapes",
    "values": "gradient values",
    "broadcast": "broadcast inputs",
    "noncontig": "non-contiguous inputs",
    "mutation": "inputs left unchanged",
    "keepdim": "keepdim=False (reduced dimensions restored)",
    "batched": "batched and broadcast (3-d) inputs",
    "stable": "large logits (numerical stability)",
    "accumulate": "gradients of a tensor used twice are summed",
    "order": "topological order (a node runs after all its consumers)",
    "once": "each node runs once",
    "deep": "a chain of thousands of nodes (no recursion)",
    "leaves": ".grad written into leaves only",
    "update": "parameters updated in place by -lr * grad",
    "still_leaf": "parameters still leaves that require grad",
    "params": "parameters are leaves that require grad, with the layers' shapes",
    "symmetry": "initialisation breaks the symmetry between hidden units",
    "scale": "initial weights of a sensible size",
    "learns": "trained model above 70% accuracy",
    "training": "trained model above 90% accuracy",
}


@dataclass
class Property:
    name: str
    weight: float
    passed: bool
    problem: str | None = None  # one sentence when it failed


@dataclass
class Verdict:
    test: str  # grade_id
    points: float
    properties: list[Property] = field(default_factory=list)
    note: str | None = None  # overrides the diagnosis (crash, time-out, missing answer)

    @property
    def score(self) -> float:
        total = sum(p.weight for p in self.properties)
        if self.note is not None or total == 0:
            return 0.0 if self.note is not None or not self.properties else self.points
        got = sum(p.weight for p in self.properties if p.passed)
        return round(self.points * got / total, 2)

    @property
    def diagnosis(self) -> str | None:
        if self.note is not None:
            return self.note
        for p in self.properties:
            if not p.passed and p.problem:
                return p.problem
        return None

    def render(self, title: str | None = None, lang: str | None = None) -> str:
        """The report a student reads, in ``lang`` (default: :func:`minigrad.i18n.get_language`)."""
        lang = resolve(lang)
        title = title or self.test
        lines = [translate(f"{title}: {self.score:g} / {self.points:g} points", lang)]
        for p in self.properties:
            label = LABELS.get(p.name, p.name)
            row = f"ok    {label}" if p.passed else f"FAIL  {label}"
            lines.append("  " + translate(row, lang))
        diagnosis = self.diagnosis
        if diagnosis:
            lines.append(translate(f"Diagnosis: {diagnosis}", lang))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["score"], d["diagnosis"] = self.score, self.diagnosis
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Verdict:
        props = [Property(**p) for p in d.get("properties", [])]
        return cls(test=d["test"], points=d["points"], properties=props, note=d.get("note"))

    @classmethod
    def failed(cls, test: str, points: float, note: str) -> Verdict:
        return cls(test=test, points=points, note=note)


def translate(text: str, lang: str | None = None) -> str:
    """An English sentence of the checker in ``lang`` (default: the current language)."""
    return CATALOG.translate(text, lang)
