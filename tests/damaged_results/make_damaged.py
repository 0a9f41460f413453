#!/usr/bin/python3
"""Makes the damaged-results corpus from a valid funnelsim results file.

    make_damaged.py VALID.h5 OUTDIR

Writes one HDF5 file per kind of damage that h5py can make: another program's HDF5, another
file type, layouts funnelsim does not read, and datasets of the wrong type, rank or shape.
tests/cli/test_damaged_results.cpp runs every reading command on each and checks the message
(the byte-level damage, truncation and random flips, is made by the test itself). Needs
h5py and numpy only.
"""
import os
import shutil
import sys

import h5py
import numpy as np


def edited(valid, outdir, name, edit):
    path = os.path.join(outdir, name)
    shutil.copyfile(valid, path)
    with h5py.File(path, "r+") as f:
        edit(f)


def replace(f, path, data):
    del f[path]
    f[path] = data


def main():
    valid, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)

    with h5py.File(os.path.join(outdir, "foreign.h5"), "w") as f:
        f["temperature"] = np.arange(10.0)
        f.attrs["creator"] = "another program"
    with h5py.File(os.path.join(outdir, "other_filetype.h5"), "w") as f:
        f.attrs["filetype"] = "statepoint"
        f.attrs["layout_version"] = np.int64(1)

    def set_attr(name, value):
        return lambda f: f.attrs.modify(name, value) if name in f.attrs else None

    def del_attr(name):
        def edit(f):
            del f.attrs[name]
        return edit

    def reset_attr(name, value):
        def edit(f):
            del f.attrs[name]
            f.attrs[name] = value
        return edit

    edited(valid, outdir, "newer_layout.h5", set_attr("layout_version", np.int64(2)))
    edited(valid, outdir, "zero_layout.h5", set_attr("layout_version", np.int64(0)))
    edited(valid, outdir, "no_layout.h5", del_attr("layout_version"))
    edited(valid, outdir, "text_layout.h5", reset_attr("layout_version", "1"))
    edited(valid, outdir, "numeric_filetype.h5", reset_attr("filetype", np.int64(7)))
    edited(valid, outdir, "negative_replications.h5", set_attr("replications", np.int64(-3)))
    # Consistent counts (1000 of 1000 planned) that the datasets' shapes do not match.
    edited(valid, outdir, "more_replications.h5",
           lambda f: [set_attr(name, np.int64(1000))(f)
                      for name in ("replications", "replications_planned")])
    edited(valid, outdir, "huge_quarters.h5", set_attr("quarters", np.int64(1 << 40)))
    edited(valid, outdir, "zero_weeks.h5", set_attr("weeks_per_quarter", np.int64(0)))

    def without(path):
        def edit(f):
            del f[path]
        return edit

    edited(valid, outdir, "no_variants.h5", without("variants"))
    edited(valid, outdir, "no_bookings.h5", without("variants/baseline/bookings"))
    base = "variants/baseline/"

    def reshaped(path, make):
        return lambda f: replace(f, base + path, make(f[base + path][()]))

    edited(valid, outdir, "bookings_rank.h5", reshaped("bookings", lambda a: a.ravel()))
    edited(valid, outdir, "bookings_rows.h5", reshaped("bookings", lambda a: a[:-1]))
    edited(valid, outdir, "bookings_text.h5",
           reshaped("bookings", lambda a: np.array([[b"x"] * a.shape[1]] * a.shape[0])))
    edited(valid, outdir, "quota_short.h5", reshaped("quota", lambda a: a[:-1]))
    edited(valid, outdir, "forecast_rank.h5",
           reshaped("forecast/funnel", lambda a: a.reshape(a.shape[0], -1)))
    edited(valid, outdir, "funnel_weeks.h5",
           lambda f: [replace(f, base + "segments/" + s + "/funnel_count",
                              f[base + "segments/" + s + "/funnel_count"][:, :-1, :])
                      for s in list(f[base + "segments"])])
    edited(valid, outdir, "rep_quota_cols.h5", reshaped("rep_quota", lambda a: a[:, :-1]))


if __name__ == "__main__":
    main()
