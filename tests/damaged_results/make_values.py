#!/usr/bin/python3
"""Makes a crafted results file from a valid one: values and names no run writes.

    make_values.py VALID.h5 OUT.h5 EDIT...

Each EDIT is one of:
  set DATASET INDEX VALUE   DATASET[INDEX] = VALUE; DATASET is relative to the file's root,
                            INDEX is comma-separated integers or ':' ("3,1", ":,0", ":"),
                            VALUE a float ("inf", "nan", "1e300", "0")
  move OLD NEW              renames the object OLD to NEW (NEW may hold \\x escapes)
  attr NAME VALUE           sets the root string attribute NAME (VALUE may hold \\x escapes)

The hostile corpus (tests/hostile/cases/results-*.sh) and tests/test_results_values.cpp use
it. Needs h5py only.
"""
import codecs
import shutil
import sys

import h5py


def unescape(text):
    return codecs.decode(text, "unicode_escape")


def index(text):
    parts = tuple(slice(None) if part == ":" else int(part) for part in text.split(","))
    return parts[0] if len(parts) == 1 else parts


def main():
    valid, out, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
    shutil.copyfile(valid, out)
    with h5py.File(out, "r+") as f:
        while edits:
            kind = edits[0]
            if kind == "set":
                f[edits[1]][index(edits[2])] = float(edits[3])
                edits = edits[4:]
            elif kind == "move":
                f.move(edits[1], unescape(edits[2]))
                edits = edits[3:]
            elif kind == "attr":
                f.attrs[edits[1]] = unescape(edits[2])
                edits = edits[3:]
            else:
                sys.exit("make_values.py: unknown edit " + kind)


if __name__ == "__main__":
    main()
