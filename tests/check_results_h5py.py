#!/usr/bin/python3
"""Checks a funnelsim results file with h5py and numpy only, without funnelsim code.

Usage: /usr/bin/python3 tests/check_results_h5py.py RESULTS.h5

Checks the root attributes, every dataset's shape, dtype, units, description and dims
(analysis/RESULTS.md), and the file's arithmetic: organisation bookings equal the sum of
the reps' and of the segments' bookings, attainment = bookings / quota, counts are >= 0.
Prints "h5py: OK <n> replications" and exits 0, or prints the first failure and exits 1.
"""

import sys

import h5py
import numpy as np

ROOT_STRINGS = ["filetype", "funnelsim_version", "scenario", "scenario_name"]
ROOT_INTEGERS = ["layout_version", "seed", "replications", "replications_planned",
                 "first_replication", "complete", "quarters", "weeks_per_quarter",
                 "warmup_weeks"]


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def check_dataset(group, name, shape, kind, units, dims):
    """kind: 'f' float64, 'i' int64, 'S' strings."""
    path = f"{group.name}/{name}"
    require(name in group, f"{path}: missing")
    dataset = group[name]
    require(dataset.shape == tuple(shape), f"{path}: shape {dataset.shape}, expected {tuple(shape)}")
    if kind == "f":
        require(dataset.dtype == np.float64, f"{path}: dtype {dataset.dtype}, expected float64")
    elif kind == "i":
        require(dataset.dtype == np.int64, f"{path}: dtype {dataset.dtype}, expected int64")
    else:
        require(h5py.check_string_dtype(dataset.dtype) is not None,
                f"{path}: dtype {dataset.dtype}, expected strings")
    for attribute in ("units", "description", "dims"):
        require(attribute in dataset.attrs, f"{path}: no '{attribute}' attribute")
    require(text(dataset.attrs["units"]) == units,
            f"{path}: units '{text(dataset.attrs['units'])}', expected '{units}'")
    require(text(dataset.attrs["description"]).strip() != "", f"{path}: empty description")
    found_dims = [text(d) for d in dataset.attrs["dims"]]
    require(found_dims == dims, f"{path}: dims {found_dims}, expected {dims}")
    if kind == "S":
        return dataset.asstr()[()]
    return dataset[()]


def close(found, expected, what):
    require(np.allclose(found, expected, rtol=1e-9, atol=1e-9), f"{what}: values differ")


def check_variant(variant, n, quarters, weeks):
    name = variant.name
    require("scenario" in variant.attrs, f"{name}: no 'scenario' attribute")
    by_quarter = ["replication", "quarter"]
    bookings = check_dataset(variant, "bookings", (n, quarters), "f", "万", by_quarter)
    wins = check_dataset(variant, "wins", (n, quarters), "i", "deals", by_quarter)
    attainment = check_dataset(variant, "attainment", (n, quarters), "f", "1", by_quarter)
    quota = check_dataset(variant, "quota", (quarters,), "f", "万", ["quarter"])
    rep_team = variant["rep_team"]
    reps = rep_team.shape[0] if rep_team.ndim == 1 else -1
    require(reps > 0, f"{name}/rep_team: expected one team name per rep")
    check_dataset(variant, "rep_team", (reps,), "S", "", ["rep"])
    rep_bookings = check_dataset(variant, "rep_bookings", (n, reps, quarters), "f", "万",
                                 ["replication", "rep", "quarter"])
    check_dataset(variant, "rep_quota", (reps, quarters), "f", "万", ["rep", "quarter"])

    close(rep_bookings.sum(axis=1), bookings, f"{name}: bookings vs rep_bookings summed over reps")
    with np.errstate(divide="ignore", invalid="ignore"):
        close(attainment, bookings / quota, f"{name}: attainment vs bookings / quota")
    require((wins >= 0).all(), f"{name}/wins: negative values")

    require("segments" in variant and len(variant["segments"]) > 0, f"{name}: no segments")
    segment_bookings = np.zeros((n, quarters))
    segment_wins = np.zeros((n, quarters), dtype=np.int64)
    for segment in variant["segments"].values():
        path = segment.name
        require("stages" in segment.attrs, f"{path}: no 'stages' attribute")
        require("win_probability" in segment.attrs, f"{path}: no 'win_probability' attribute")
        stages = len(segment.attrs["stages"])
        require(len(segment.attrs["win_probability"]) == stages,
                f"{path}: win_probability and stages differ in length")
        segment_bookings += check_dataset(segment, "bookings", (n, quarters), "f", "万", by_quarter)
        segment_wins += check_dataset(segment, "wins", (n, quarters), "i", "deals", by_quarter)
        leads = check_dataset(segment, "leads", (n, quarters), "i", "opportunities", by_quarter)
        by_stage = ["replication", "week", "stage"]
        count = check_dataset(segment, "funnel_count", (n, weeks, stages), "i", "opportunities",
                              by_stage)
        amount = check_dataset(segment, "funnel_amount", (n, weeks, stages), "f", "万", by_stage)
        require((leads >= 0).all(), f"{path}/leads: negative values")
        require((count >= 0).all(), f"{path}/funnel_count: negative values")
        require((amount >= 0).all(), f"{path}/funnel_amount: negative values")
    close(segment_bookings, bookings, f"{name}: bookings vs segments' bookings summed")
    require((segment_wins == wins).all(), f"{name}: wins vs segments' wins summed")


def check(path):
    with h5py.File(path, "r") as results:
        attrs = results.attrs
        for key in ROOT_STRINGS + ROOT_INTEGERS:
            require(key in attrs, f"{path}: missing root attribute '{key}'")
        require(text(attrs["filetype"]) == "funnelsim-results",
                f"{path}: filetype is '{text(attrs['filetype'])}'")
        require(int(attrs["layout_version"]) == 1,
                f"{path}: layout_version {attrs['layout_version']}, expected 1")
        for key in ROOT_INTEGERS:
            require(np.issubdtype(np.asarray(attrs[key]).dtype, np.integer),
                    f"{path}: root attribute '{key}' is not an integer")
        require(np.asarray(attrs["seed"]).dtype == np.uint64, f"{path}: seed is not uint64")
        n = int(attrs["replications"])
        quarters = int(attrs["quarters"])
        weeks = quarters * int(attrs["weeks_per_quarter"])
        require(int(attrs["complete"]) in (0, 1), f"{path}: complete must be 0 or 1")
        require(bool(attrs["complete"]) == (n >= int(attrs["replications_planned"])),
                f"{path}: complete disagrees with replications and replications_planned")
        require("variants" in results and len(results["variants"]) > 0, f"{path}: no variants")
        for variant in results["variants"].values():
            check_variant(variant, n, quarters, weeks)
        return n


def main(argv):
    if len(argv) != 2:
        print("usage: check_results_h5py.py RESULTS.h5", file=sys.stderr)
        return 2
    try:
        n = check(argv[1])
    except (CheckFailed, OSError, KeyError) as failure:
        print(f"h5py: FAILED {failure}")
        return 1
    print(f"h5py: OK {n} replications")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
