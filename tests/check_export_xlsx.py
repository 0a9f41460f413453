#!/usr/bin/python3
"""Checks a workbook of `funnelsim export` with openpyxl, against the command's other outputs.

Usage: /usr/bin/python3 tests/check_export_xlsx.py BOOK.xlsx SUMMARY.json SUMMARY.csv \
           COMPARE.json REPLICATIONS.csv

SUMMARY.json and SUMMARY.csv are `funnelsim summary FILE --json` and `--csv`, COMPARE.json is
`funnelsim compare FILE --json`, REPLICATIONS.csv is `funnelsim export FILE -o X.csv`, all of
the variant the workbook was exported for. Checks the sheet names; that the summary's CSV holds
the JSON's numbers exactly; that every number of the Summary sheet equals the JSON's to the
digits the workbook stores (libxlsxwriter writes 16 significant digits); the Variants sheet
against compare's means, P(quota met) and costs; the Replications sheet against the CSV, and
that its quota-met columns average to the summary's P(quota met); and that the teams' bookings
add up to the organisation's. Prints "xlsx: OK" and exits 0, or the first failure and exits 1.
"""

import csv
import json
import sys

import openpyxl

SHEETS = ["Summary", "Variants", "Teams", "Replications"]


def fail(message):
    print("xlsx: " + message)
    sys.exit(1)


def stored(value):
    """A double as the workbook stores it: 16 significant digits (or exactly)."""
    return float("%.16g" % value)


def same(cell, value, where):
    if value is None:
        if cell is not None:
            fail(f"{where}: {cell!r}, expected an empty cell (undefined)")
        return
    if not isinstance(cell, (int, float)) or (cell != value and cell != stored(value)):
        fail(f"{where}: {cell!r}, expected {value!r}")


def rows_after(sheet, first_cell):
    """The rows below the header row whose first cell is `first_cell`, and that header."""
    rows = list(sheet.iter_rows(values_only=True))
    for number, row in enumerate(rows):
        if row and row[0] == first_cell:
            body = [r for r in rows[number + 1:] if r and r[0] is not None]
            return list(rows[number]), body
    fail(f"sheet {sheet.title}: no header row starting with {first_cell!r}")


def main():
    book_path, summary_json, summary_csv, compare_json, replications_csv = sys.argv[1:6]
    book = openpyxl.load_workbook(book_path, read_only=True, data_only=True)
    if book.sheetnames != SHEETS:
        fail(f"sheets {book.sheetnames}, expected {SHEETS}")

    with open(summary_json, encoding="utf-8") as file:
        summary = json.load(file)
    periods = summary["quarters"] + [summary["whole_run"]]
    with open(summary_csv, encoding="utf-8-sig", newline="") as file:
        summary_rows = list(csv.DictReader(file))
    fields = list(summary_rows[0].keys())[3:]  # after variant, period, replications
    if len(summary_rows) != len(periods):
        fail(f"summary CSV has {len(summary_rows)} rows, JSON {len(periods)} periods")
    for row, period in zip(summary_rows, periods):
        for field in fields:
            value = None if row[field] == "" else float(row[field])
            if value != period[field]:
                fail(f"summary CSV {row['period']} {field}: {row[field]}, JSON {period[field]}")

    # Summary: the columns are summary_fields() in order after the period.
    sheet = book["Summary"]
    _, body = rows_after(sheet, "period")
    if [row[0] for row in body] != [period["period"] for period in periods]:
        fail(f"Summary periods {[row[0] for row in body]}")
    for row, period in zip(body, periods):
        for column, field in enumerate(fields, start=1):
            same(row[column], period[field], f"Summary {period['period']} {field}")
    header = {row[0]: row[1] for row in sheet.iter_rows(max_row=4, values_only=True)}
    if header["Variant"] != summary["variant"] or header["Replications"] != summary["replications"]:
        fail(f"Summary header {header}")

    # Variants: compare's order and numbers.
    with open(compare_json, encoding="utf-8") as file:
        compare = json.load(file)
    # Beside the variants, compare's object holds its verdict (and, for a sweep, its grid and
    # cheapest variant): keys no variant may take.
    for key in ("verdict", "grid", "cheapest"):
        compare.pop(key, None)
    columns, body = rows_after(book["Variants"], "variant")
    if [row[0] for row in body] != list(compare):
        fail(f"Variants {[row[0] for row in body]}, compare {list(compare)}")
    for row, (name, entry) in zip(body, compare.items()):
        for label, field in [("mean (万)", "mean"), ("P(quota met)", "quota_met"),
                             ("cost (万)", "cost"), ("Δ mean (万)", "diff_mean"),
                             ("VRF", "variance_reduction")]:
            value = entry[field]
            cell = row[columns.index(label)]
            if value is None and cell == "inf":
                continue
            same(cell, value, f"Variants {name} {field}")

    # Replications: the CSV's rows, and P(quota met) from the flags.
    with open(replications_csv, encoding="utf-8-sig", newline="") as file:
        reps = list(csv.reader(file))
    columns, body = rows_after(book["Replications"], "replication")
    if columns != reps[0] or len(body) != len(reps) - 1:
        fail(f"Replications: {columns} and {len(body)} rows, CSV {reps[0]} and {len(reps) - 1}")
    for row, line in zip(body, reps[1:]):
        for column, text in enumerate(line):
            same(row[column], float(text), f"Replications {line[0]} {reps[0][column]}")
    for period in periods:
        column = columns.index("quota_met_" + period["period"])
        met = sum(row[column] for row in body)
        if met != period["quota_met_count"] or met / len(body) != period["quota_met"]:
            fail(f"quota_met_{period['period']}: {met} of {len(body)}, summary {period}")

    # Teams: their bookings add up to the organisation's.
    columns, body = rows_after(book["Teams"], "team")
    for period in periods:
        total = sum(row[columns.index(period["period"])] for row in body)
        if abs(total - period["mean"]) > 1e-9 * max(1.0, abs(period["mean"])):
            fail(f"Teams {period['period']}: {total}, summary mean {period['mean']}")
    print(f"xlsx: OK {len(periods)} periods, {len(compare)} variants, {len(reps) - 1} replications")


if __name__ == "__main__":
    main()
