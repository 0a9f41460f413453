#!/usr/bin/env python3
"""Recomputes the class kit's answer keys (receipts, standard-funnel) from the givens of each
case's JSON, in exact rational arithmetic, and compares them with the keys the C++ made.

Usage: check_course_keys.py CASES.jsonl  (one `case_json(..., answers = true)` a line)
Prints "checked N cases, M keys, K contradictions" and exits 1 on any contradiction.

Independent of the C++ on purpose: another language, the playbook's formulas (§2, §4b) written
again from the handout's method, and fractions instead of doubles (the printed decimals are
read as exact decimals, so a half rounds half up exactly as the handout says).
"""
import json
import math
import sys
from decimal import Decimal
from fractions import Fraction


def exact(value):
    return Fraction(value) if not isinstance(value, Fraction) else value


def half_up(value):
    return math.floor(value + Fraction(1, 2))


def receipts(givens):
    stages = givens["stages"]
    revenue = {s["answer_key"]: exact(s["amount"]) * exact(s["win_probability"]) for s in stages}
    large_quota = exact(givens["branch_quota"]) * exact(givens["large_share"])
    negotiation = revenue[stages[-1]["answer_key"]]
    negotiation_receipts = (negotiation * exact(givens["paid_within_year"]) *
                            exact(givens["quarter_share"]))
    software = (negotiation_receipts + exact(givens["won_receipts"])) * exact(givens["software_share"])
    gap = large_quota - software - exact(givens["realized"])
    return {"expected_revenue": revenue, "large_quota": large_quota,
            "negotiation_receipts": negotiation_receipts, "software_receipts": software,
            "amount_gap": gap}


def standard_funnel(givens):
    quota = half_up(exact(givens["annual_quota"]) * exact(givens["vat"]) *
                    Fraction(givens["small_share_percent"], 100) *
                    Fraction(givens["quarter_share_percent"], 100))
    wins = half_up(Fraction(quota) / exact(givens["average_deal"]))
    week = Fraction(wins, givens["selling_weeks"])
    stages = givens["stages"]
    counts = {s["answer_key"]: week * exact(givens["weeks_per_stage"]) / exact(s["win_probability"])
              for s in stages}
    new = week / exact(stages[0]["win_probability"])
    reps = math.ceil(new / exact(givens["prospects_per_rep"]))
    return {"quarter_quota": quota, "wins_quarter": wins, "wins_week": week,
            "standard_count": counts, "new_week": new, "reps": reps}


def compare(expected, found, path, problems):
    """Whole numbers exactly; amounts to a billionth (the C++ computes in doubles)."""
    if isinstance(expected, dict):
        if sorted(expected) != sorted(found):
            problems.append(f"{path}: keys {sorted(found)}, expected {sorted(expected)}")
            return 0
        return sum(compare(expected[k], found[k], f"{path}.{k}", problems) for k in expected)
    if isinstance(expected, int):
        if not (isinstance(found, int) and found == expected):
            problems.append(f"{path}: {found}, expected exactly {expected}")
        return 1
    if abs(exact(found) - expected) > Fraction(1, 10**9) * max(1, abs(expected)):
        problems.append(f"{path}: {found}, expected {float(expected)!r}")
    return 1


def main():
    cases = keys = 0
    problems = []
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            case = json.loads(line, parse_float=Decimal)
            assert set(case) == {"kind", "seed", "difficulty", "language", "givens", "key"}, case
            recompute = receipts if case["kind"] == "receipts" else standard_funnel
            where = f"{case['kind']} seed {case['seed']} {case['difficulty']}"
            keys += compare(recompute(case["givens"]), case["key"], where, problems)
            cases += 1
    print(f"checked {cases} cases, {keys} keys, {len(problems)} contradictions")
    for problem in problems[:20]:
        print(problem)
    return 1 if problems or cases == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
