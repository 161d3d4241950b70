"""The teacher's outputs: grades CSV and the class report (a table and a picture)."""

from __future__ import annotations

import csv
import html
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from .spec import Assignment

# Short names for the kinds of mistake, most specific first (matched in the diagnosis text).
KINDS = [
    ("not answered", r"NotImplementedError|answer cell .* is missing|is not defined"),
    ("crash", r"kernel (died|exited)|could not start"),
    ("time limit", r"time limit"),
    ("used minigrad's own op", r"minigrad's own|minigrad's autograd|was not run: it uses"),
    ("keepdim not restored", r"reduced dimension\(s\) are gone"),
    ("wrong count in a mean", r"number of elements averaged"),
    ("max sent everywhere", r"to every element"),
    ("swapped gradients", r"swapped gradients"),
    ("no one-hot subtraction", r"one-hot subtraction"),
    ("not numerically stable", r"numerically stable"),
    ("no division by N", r"batch size N"),
    ("update outside no_grad", r"inside `with torch.no_grad\(\):`"),
    ("parameters not updated", r"leaves the parameters unchanged"),
    ("step uphill", r"up the gradient"),
    ("symmetric initialisation", r"symmetric initialisation"),
    ("parameters not leaves", r"is not a leaf \(it was computed|\w+ does not require grad, so"),
    ("initial scale", r"is too (large|small) \(std"),
    ("low accuracy", r"classifies \d+% of the test points"),
    ("engine: order", r"topological order"),
    ("engine: node run twice", r"more than once"),
    ("engine: recursion", r"recursion limit"),
    ("engine: gradients not summed", r"sum of both gradients"),
    ("engine: .grad replaced", r"must get the new gradient added"),
    ("engine: .grad on a non-leaf", r"not a leaf|does not require grad"),
    ("missing un-broadcast", r"un-broadcast|shape unchanged|keepdim"),
    ("sign error", r"sign error"),
    ("constant factor", r"constant factor"),
    ("gradient in the wrong place", r"wrong place"),
    ("ignores grad_output", r"ignores the incoming gradient"),
    ("NaN/inf", r"NaN or inf"),
    ("transpose", r"transpose"),
    ("non-contiguous input", r"non-contiguous"),
    ("mutates its input", r"in place"),
    ("wrong gradient count", r"one gradient per forward argument|returned None"),
    ("wrong shape", r"shape"),
    ("wrong values", r"wrong values"),
    ("exception", r"raised"),
]


def kind_of(diagnosis: str | None) -> str | None:
    if not diagnosis:
        return None
    for name, pattern in KINDS:
        if re.search(pattern, diagnosis):
            return name
    return "other"


def write_csv(
    path: Path, assignment: Assignment, scores: dict[str, dict[str, Any]], trusted: dict[str, dict]
) -> list[dict[str, Any]]:
    ids = [t.grade_id for t in assignment.tests]
    total = sum(t.points for t in assignment.tests)
    rows = []
    for student in sorted(set(scores) | set(trusted)):
        per = scores.get(student, {})
        row: dict[str, Any] = {"student": student}
        row["score"] = round(sum(float(per.get(g) or 0) for g in ids), 2)
        row["max_score"] = total
        row.update({g: per.get(g, 0) for g in ids})
        res = trusted.get(student, {})
        row["status"] = res.get("status", "missing")
        row["notes"] = " | ".join(res.get("notes", []))
        rows.append(row)
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["student", "score", "max_score", *ids, "status", "notes"])
        w.writeheader()
        w.writerows(rows)
    return rows


def summarise(assignment: Assignment, rows: list[dict], trusted: dict[str, dict]) -> list[dict]:
    """Per question: points, mean, median, how many got 0 / partial / full, top mistakes."""
    out = []
    for t in assignment.tests:
        vals = [float(r[t.grade_id] or 0) for r in rows]
        kinds = Counter(
            kind_of(res["verdicts"].get(t.grade_id, {}).get("diagnosis"))
            for res in trusted.values()
        )
        kinds.pop(None, None)
        out.append(
            {
                "question": t.grade_id,
                "points": t.points,
                "mean": round(statistics.fmean(vals), 2) if vals else 0.0,
                "median": statistics.median(vals) if vals else 0.0,
                "zero": sum(v == 0 for v in vals),
                "partial": sum(0 < v < t.points for v in vals),
                "full": sum(v >= t.points for v in vals),
                "diagnoses": kinds.most_common(),
            }
        )
    return out


COLORS = {"zero": "#d9534f", "partial": "#f0ad4e", "full": "#5cb85c"}


def svg(summary: list[dict], n: int, title: str) -> str:
    """A stacked bar per question: how many students scored 0, partial, full."""
    width, left, bar_h, gap, top = 640, 150, 18, 8, 40
    height = top + len(summary) * (bar_h + gap) + 40
    scale = (width - left - 20) / max(n, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="10" y="20" font-size="14">{html.escape(title)} ({n} students)</text>',
    ]
    for i, row in enumerate(summary):
        y = top + i * (bar_h + gap)
        parts.append(f'<text x="10" y="{y + 13}">{html.escape(row["question"])}</text>')
        x = float(left)
        for key in ("zero", "partial", "full"):
            w = row[key] * scale
            if w:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{COLORS[key]}"><title>{key}: {row[key]}</title></rect>'
                )
            x += w
    y = height - 15
    for k, (key, color) in enumerate(COLORS.items()):
        parts.append(
            f'<rect x="{left + k * 110}" y="{y - 10}" width="12" height="12" '
            f'fill="{color}"/><text x="{left + k * 110 + 16}" y="{y}">{key}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def markdown(summary: list[dict], rows: list[dict]) -> str:
    lines = [
        "| question | points | mean | median | 0 | partial | full | most common diagnoses |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in summary:
        diag = "; ".join(f"{k} ({c})" for k, c in r["diagnoses"][:3]) or "-"
        lines.append(
            f"| {r['question']} | {r['points']:g} | {r['mean']:g} | {r['median']:g} | "
            f"{r['zero']} | {r['partial']} | {r['full']} | {diag} |"
        )
    totals = [r["score"] for r in rows]
    if totals:
        lines.append("")
        lines.append(
            f"Total: mean {statistics.fmean(totals):.2f}, median "
            f"{statistics.median(totals):g}, min {min(totals):g}, max {max(totals):g} "
            f"(of {rows[0]['max_score']:g})."
        )
    return "\n".join(lines) + "\n"


def write_report(
    out: Path, assignment: Assignment, rows: list[dict], trusted: dict[str, dict]
) -> list[dict]:
    summary = summarise(assignment, rows, trusted)
    picture = svg(summary, len(rows), assignment.name)
    table = markdown(summary, rows)
    (out / "report.svg").write_text(picture)
    (out / "report.md").write_text(f"# Class report: {assignment.name}\n\n" + table)
    with (out / "report.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["question", "points", "mean", "median", "zero", "partial", "full", "diagnoses"])
        for r in summary:
            w.writerow(
                [
                    r["question"],
                    r["points"],
                    r["mean"],
                    r["median"],
                    r["zero"],
                    r["partial"],
                    r["full"],
                    "; ".join(f"{k} ({c})" for k, c in r["diagnoses"]),
                ]
            )
    body = "".join(
        f"<tr>{''.join(f'<td>{html.escape(str(c))}</td>' for c in line.split('|')[1:-1])}</tr>"
        for line in table.splitlines()[2:]
        if line.startswith("|")
    )
    head = "".join(
        f"<th>{html.escape(c.strip())}</th>" for c in table.splitlines()[0].split("|")[1:-1]
    )
    (out / "report.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>{assignment.name}</title>"
        f"<h1>Class report: {assignment.name}</h1>{picture}"
        f"<table border='1' cellpadding='4'><tr>{head}</tr>{body}</table>"
    )
    return summary
