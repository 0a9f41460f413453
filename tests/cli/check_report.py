#!/usr/bin/env python3
"""Checks the planner's sections of a `funnelsim report` page against the results file.

Every number the sections "Chance of reaching an amount", "Quarter by quarter", "Cost and
return", "Teams and segments" and "Reps' quota attainment by team" print (tables, readings,
the exceedance curve's points) is recomputed here from the datasets with h5py and numpy,
independently of funnelsim; a printed number must be the recomputed one as printed (within
half of its last digit). Then the embedded CJK font: it must be the committed subset file, and
its cmap (with fontTools, when installed) and its unicode-range must cover every CJK character
of the page.

usage: check_report.py FUNNELSIM RESULTS.h5 REPORT.html FONT_DIR
Prints "ok", or "ok (font cmap not checked: no fontTools)"; fails with a message otherwise.
"""

import base64
import html.parser
import json
import math
import re
import subprocess
import sys

import h5py
import numpy as np

CLI, RESULTS, PAGE, FONT_DIR = sys.argv[1:5]
Z = 1.959963984540054


class Page(html.parser.HTMLParser):
    """Sections by heading: their tables (rows of cell texts) and chart readings."""

    def __init__(self):
        super().__init__()
        self.sections = {}
        self.current = None
        self.stack = []
        self.text = ""
        self.row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h2", "td", "th") or (tag == "p" and attrs.get("class") == "reading"):
            self.stack.append(tag if tag != "p" else "reading")
            self.text = ""
        if tag == "table" and self.current is not None:
            self.current["tables"].append([])
        if tag == "tr":
            self.row = []

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None and self.current is not None:
            self.current["tables"][-1].append(self.row)
            self.row = None
        if not self.stack or tag not in ("h2", "td", "th", "p"):
            return
        kind = self.stack.pop()
        if kind == "h2":
            self.current = {"tables": [], "readings": []}
            self.sections[self.text] = self.current
        elif kind == "reading":
            self.current["readings"].append(self.text)
        elif self.row is not None:
            self.row.append(self.text)

    def handle_data(self, data):
        if self.stack:
            self.text += data


text = open(PAGE, encoding="utf-8").read()
page = Page()
page.feed(text)
start = text.index("var FUNNELSIM_SPECS = ") + 22
specs = json.loads(text[start:text.index("\n};\n", start) + 2])


def close(printed, value, decimals=0, what=""):
    """`printed` ("1,234", "+12", "45%", "—") shows `value` to `decimals` places."""
    number = float(printed.replace("%", "").replace("+", "").replace("万", "").strip())
    assert abs(number - value) <= 0.5 * 10**-decimals + 1e-9 * max(1, abs(value)), (
        f"{what}: printed {printed!r}, computed {value!r}")


def pct(printed, fraction, what=""):
    close(printed, 100 * fraction, 0, what)


def wilson(k, n):
    p = k / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z / d * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (0.0 if k == 0 else max(0.0, c - h)), (1.0 if k == n else min(1.0, c + h))


def table(section, number=0):
    rows = page.sections[section]["tables"][number]
    return rows[0], {row[0]: row for row in rows[1:]}


def reading_numbers(reading, name):
    """The amounts and percentages after `name` in a reading, in order."""
    at = reading.index(name) + len(name)
    return re.findall(r"[0-9]+(?:\.[0-9]+)?%?", reading[at:at + 160])


f = h5py.File(RESULTS, "r")
variants = list(f["variants"].keys())
baseline = "baseline" if "baseline" in variants else variants[0]
base = f["variants"][baseline]
quarters = int(f.attrs["quarters"])
period = "year" if quarters == 4 else "total"
quota = base["quota"][:]
bookings = base["bookings"][:]
n = bookings.shape[0]
checked = 0

# Chance of reaching an amount: the reading's amounts and every point of the curves.
year = np.sort(bookings.sum(axis=1))
reading = page.sections["Chance of reaching an amount"]["readings"][0]
got = re.findall(r"at least ([0-9]+) 万", reading)
for probability, printed in zip((0.9, 0.5, 0.1), got):
    x = year[n - max(1, math.ceil(probability * n))]
    assert (year >= x).mean() >= probability - 1e-12
    close(printed, x, 0, f"exceedance {probability}")
    checked += 1
assert len(got) == 3, reading
m = re.search(r"quota of ([0-9]+) 万 in ([0-9]+)%", reading)
close(m.group(1), quota.sum(), 0, "exceedance quota")
pct(m.group(2) + "%", (year >= quota.sum()).mean(), "exceedance P(quota)")
checked += 2
totals = {v: f["variants"][v]["bookings"][:].sum(axis=1) for v in variants}
for layer in specs["chart-exceedance"]["layer"][:1]:
    for point in layer["data"]["values"]:
        # The chart shows 6 significant digits: the point is a replication's bookings so
        # rounded, and its share that of the replications booking at least as much.
        values = totals[point["variant"]]
        shown = [v for v in values if float(f"{v:.6g}") == point["bookings"]]
        assert shown, point
        assert any(abs(point["p"] - 100 * (values >= v).mean()) < 1e-3 for v in shown), point
        checked += 1
assert specs["chart-exceedance"]["layer"][1]["data"]["values"][0]["quota"] == \
    float(f"{quota.sum():.6g}")

# Quarter by quarter.
heading, rows = table("Quarter by quarter")
means = bookings.mean(axis=0)
flagged = []
for q in range(quarters):
    row = rows[f"Q{q + 1}"]
    met = int((bookings[:, q] >= quota[q]).sum())
    low, high = wilson(met, n)
    quota_share, bookings_share = quota[q] / quota.sum(), means[q] / means.sum()
    close(row[1], quota[q], 0, f"Q{q + 1} quota")
    pct(row[2], quota_share, f"Q{q + 1} quota share")
    close(row[3], means[q], 0, f"Q{q + 1} mean")
    pct(row[4], bookings_share, f"Q{q + 1} bookings share")
    pct(row[5], met / n, f"Q{q + 1} P(quota met)")
    lo, hi = row[6].split(" to ")
    pct(lo, low, f"Q{q + 1} Wilson low")
    pct(hi, high, f"Q{q + 1} Wilson high")
    checked += 7
    if quarters > 1 and quota_share > 1.05 * bookings_share:
        flagged.append(q)
quarter_readings = page.sections["Quarter by quarter"]["readings"]
said = [int(q) - 1 for q in re.findall(r"Q([0-9]+) carries", quarter_readings[0])]
assert said == flagged, (quarter_readings[0], flagged)
for q in flagged:
    numbers = reading_numbers(quarter_readings[0], f"Q{q + 1} carries ")
    met = int((bookings[:, q] >= quota[q]).sum())
    pct(numbers[0], quota[q] / quota.sum(), "flag quota share")
    pct(numbers[1], means[q] / means.sum(), "flag bookings share")
    pct(numbers[3], met / n, "flag P")  # numbers[2], [4]: the 2 of "makes Q2", the 95 of "95%"
    pct(numbers[5], wilson(met, n)[0], "flag low")
    pct(numbers[6], wilson(met, n)[1], "flag high")
    checked += 5
m = re.search(r"books ([0-9]+) 万 over the \w+ on average against a quota of ([0-9]+) 万",
              quarter_readings[1])
close(m.group(1), means.sum(), 0, "year mean")
close(m.group(2), quota.sum(), 0, "year quota")
checked += 2

# Cost and return, against funnelsim compare's verdict by return.
if "cost" in base and any(f["variants"][v]["cost"][:].sum() > 0 for v in variants
                          if "cost" in f["variants"][v]):
    heading, rows = table("Cost and return")
    base_cost = base["cost"][:].sum(axis=1).mean()
    base_mean = totals[baseline].mean()
    for v in variants:
        row = rows[v]
        cost = f["variants"][v]["cost"][:].sum(axis=1).mean()
        mean = totals[v].mean()
        close(row[1], mean, 0, f"{v} bookings")
        close(row[2], cost, 0, f"{v} cost")
        close(row[3], mean / cost, 2, f"{v} bookings per cost")
        checked += 3
        if v != baseline:
            close(row[4], cost - base_cost, 0, f"{v} extra cost")
            close(row[5], mean - base_mean, 0, f"{v} extra bookings")
            checked += 2
            if cost - base_cost > 0:
                close(row[6], (mean - base_mean) / (cost - base_cost), 2, f"{v} return")
                checked += 1
            else:
                assert row[6] == "—", row
    reading = page.sections["Cost and return"]["readings"][0]
    if len(variants) > 1:
        verdict = subprocess.run([CLI, "compare", RESULTS, "--json", "--rank-by", "return"],
                                 capture_output=True, text=True)
        if verdict.returncode == 0:
            assert json.loads(verdict.stdout)["verdict"]["statement"] == reading, reading
        else:
            assert reading.startswith("No variant costs more"), reading
        checked += 1
else:
    assert "The file holds no costs" in text

# Teams and segments.
rep_bookings = base["rep_bookings"][:]
rep_team = [t.decode() if isinstance(t, bytes) else t for t in base["rep_team"][:]]
teams = list(dict.fromkeys(rep_team))
team_of = np.array([teams.index(t) for t in rep_team])
heading, rows = table("Teams and segments", 0)
assert heading[0] == "team", heading
grand = rep_bookings.sum(axis=1).mean(axis=0).sum()
team_reading = page.sections["Teams and segments"]["readings"][0]
for i, team in enumerate(teams):
    row = rows[team]
    per_quarter = rep_bookings[:, team_of == i, :].sum(axis=1).mean(axis=0)
    assert int(row[1]) == int((team_of == i).sum()), row
    for q in range(quarters):
        close(row[2 + q], per_quarter[q], 0, f"{team} Q{q + 1}")
    close(row[2 + quarters], per_quarter.sum(), 0, f"{team} {period}")
    pct(row[3 + quarters], per_quarter.sum() / grand, f"{team} share")
    numbers = reading_numbers(team_reading, team + " ")
    close(numbers[0], per_quarter.sum(), 0, f"{team} reading")
    pct(numbers[1], per_quarter.sum() / grand, f"{team} reading share")
    checked += quarters + 5
segments = list(base["segments"].keys())
if segments:
    heading, rows = table("Teams and segments", 1)
    segment_reading = page.sections["Teams and segments"]["readings"][1]
    all_segments = sum(base["segments"][s]["bookings"][:].mean(axis=0).sum() for s in segments)
    for s in segments:
        per_quarter = base["segments"][s]["bookings"][:].mean(axis=0)
        row = rows[s]
        for q in range(quarters):
            close(row[1 + q], per_quarter[q], 0, f"{s} Q{q + 1}")
        close(row[1 + quarters], per_quarter.sum(), 0, f"{s} {period}")
        pct(row[2 + quarters], per_quarter.sum() / all_segments, f"{s} share")
        numbers = reading_numbers(segment_reading, s + " ")
        close(numbers[0], per_quarter.sum(), 0, f"{s} reading")
        pct(numbers[1], per_quarter.sum() / all_segments, f"{s} reading share")
        checked += quarters + 4

# Reps' quota attainment by team.
rep_quota = base["rep_quota"][:]
rep_year_quota = np.array([sum(rep_quota[r, min(q, rep_quota.shape[1] - 1)]
                               for q in range(quarters)) for r in range(len(rep_team))])
attainment = rep_bookings.sum(axis=2) / np.where(rep_year_quota > 0, rep_year_quota, 1)
if (rep_year_quota > 0).any():
    heading, rows = table("Reps' quota attainment by team")
    reading = page.sections["Reps' quota attainment by team"]["readings"][0]
    for i, team in enumerate(teams):
        members = (team_of == i) & (rep_year_quota > 0)
        if not members.any():
            assert team not in rows
            continue
        values = attainment[:, members].ravel()
        row = rows[team]
        assert int(row[1]) == int(members.sum()), row
        pct(row[2], (values >= 1).mean(), f"{team} met")
        pct(row[3], np.median(values), f"{team} median")
        numbers = reading_numbers(reading, team + " ")
        pct(numbers[0], (values >= 1).mean(), f"{team} reading met")
        pct(numbers[1], np.median(values), f"{team} reading median")
        checked += 5

# The embedded font: the committed subset, covering every CJK character of the page.
face = re.search(r"@font-face \{ font-family: FunnelsimCJK;.*?base64,([A-Za-z0-9+/=]+)\).*?"
                 r"unicode-range: ([^;]+);", text, re.S)
font = base64.b64decode(face.group(1))
assert font == open(FONT_DIR + "/funnelsim-cjk-subset.woff2", "rb").read()
ranges = {int(code.strip()[2:], 16) for code in face.group(2).split(",")}
cjk = {ord(c) for c in text if 0x2E80 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF
       or 0xFF00 <= ord(c) <= 0xFFEF or 0x20000 <= ord(c) <= 0x3FFFF}
assert cjk, "the page prints no CJK character at all"
assert cjk <= ranges, sorted(hex(c) for c in cjk - ranges)
listed = {int(line, 16) for line in open(FONT_DIR + "/funnelsim-cjk-subset.codepoints")
          if line.strip()}
assert ranges == listed, (ranges, listed)
try:
    import io
    from fontTools.ttLib import TTFont
except ImportError:
    print(f"ok, {checked} numbers (font cmap not checked: no fontTools)")
    sys.exit(0)
cmap = set(TTFont(io.BytesIO(font)).getBestCmap())
assert ranges <= cmap, sorted(hex(c) for c in ranges - cmap)
print(f"ok, {checked} numbers")
