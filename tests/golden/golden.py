"""Reduces results files to golden values and compares them with a stored JSON file.

Each dataset becomes its shape, type and the SHA-256 of its bytes; each variant adds a few
statistics a reader can recognise (mean bookings per quarter and for the year, the share of
replications that met the year's quota), printed with every digit.
"""

import hashlib
import json
import os
import sys

import h5py
import numpy as np


def reduce_file(path):
    values = {}
    with h5py.File(path, "r") as results:
        for key in ("seed", "replications", "quarters", "weeks_per_quarter", "warmup_weeks"):
            values["attribute " + key] = repr(results.attrs[key].item())

        def visit(name, item):
            if isinstance(item, h5py.Dataset):
                data = item[()]
                if data.dtype.kind == "O":
                    # Variable-length strings: hash their text, not the objects' addresses.
                    text = "\0".join(v.decode() if isinstance(v, bytes) else str(v) for v in data.ravel())
                    digest = hashlib.sha256(text.encode()).hexdigest()
                else:
                    digest = hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest()
                values[name] = f"{data.dtype.str} {list(data.shape)} {digest}"

        results.visititems(visit)
        for variant, group in results["variants"].items():
            bookings = group["bookings"][()]
            year = bookings.sum(axis=1)
            quota = group["quota"][()].sum()
            for quarter in range(bookings.shape[1]):
                values[f"{variant} mean bookings Q{quarter + 1}"] = repr(float(bookings[:, quarter].mean()))
            values[f"{variant} mean bookings year"] = repr(float(year.mean()))
            values[f"{variant} P(year quota met)"] = repr(float((year >= quota).mean()))
    return values


def main():
    mode, golden_path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    current = {os.path.basename(f)[: -len(".h5")]: reduce_file(f) for f in files}
    try:
        with open(golden_path, encoding="utf-8") as stored_file:
            stored = json.load(stored_file)
    except FileNotFoundError:
        stored = {}
    changes = []
    for scenario in sorted(set(stored) | set(current)):
        before, after = stored.get(scenario, {}), current.get(scenario, {})
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                changes.append(f"{scenario}: {key}\n    was {before.get(key, '(none)')}\n    now {after.get(key, '(none)')}")
    for change in changes[:40]:
        print(change)
    if len(changes) > 40:
        print(f"... and {len(changes) - 40} more")
    checked = sum(len(v) for v in current.values())
    if mode == "update":
        with open(golden_path, "w", encoding="utf-8") as out:
            json.dump(current, out, indent=1, sort_keys=True)
            out.write("\n")
        print(f"golden: {len(changes)} values changed of {checked}; {golden_path} rewritten")
        return 0
    print(f"golden: {checked} values checked, {len(changes)} changed")
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
