#!/usr/bin/python3
"""Makes a crafted results file from a valid one: damage an attacker would choose.

    make_hostile.py KIND VALID.h5 OUT.h5 [ARG]

KIND is one of:
  external PATH    variants/baseline/bookings stored in the external file PATH (a FIFO,
                   /etc/passwd): HDF5 would open and read PATH as the bookings
  virtual SOURCE   variants/baseline/bookings a virtual dataset mapped onto SOURCE.h5
  huge-dims N      every replication dataset grown to N replications (the root counts too)
                   with no chunk written: a small file that reads as gigabytes of fill value
  written-zeros N  variants/baseline/bookings [N, quarters] of zeros, written and deflated at
                   level 9 in 2 MiB chunks (the root counts say N; other datasets are not)
  big-chunks       variants/baseline/bookings chunked in one chunk of 64 MiB
  external-link    variants/baseline/bookings an external link to /x in ./other.h5
  soft-link        variants/baseline/bookings a soft link to /variants/baseline/wins
  counts NAME=VALUE...  root attributes set to int64 values (VALUE may be a list: 1,2,3)

The hostile corpus (tests/hostile/cases/results-*.sh) and tests/cli/test_damaged_results.cpp use
it. Needs h5py and numpy only.
"""
import shutil
import sys

import h5py
import numpy as np

BOOKINGS = "variants/baseline/bookings"


def replace_bookings(f, **create):
    attrs = dict(f[BOOKINGS].attrs)
    del f[BOOKINGS]
    dataset = f.create_dataset(BOOKINGS, **create)
    for key, value in attrs.items():
        dataset.attrs[key] = value


def main():
    kind, valid, out = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    shutil.copyfile(valid, out)
    with h5py.File(out, "r+") as f:
        shape = f[BOOKINGS].shape
        if kind == "external":
            replace_bookings(f, shape=shape, dtype="<f8",
                             external=[(args[0], 0, int(np.prod(shape)) * 8)])
        elif kind == "virtual":
            with h5py.File(args[0], "w") as source:
                source["data"] = np.zeros(shape)
            layout = h5py.VirtualLayout(shape=shape, dtype="<f8")
            layout[:] = h5py.VirtualSource(args[0], "data", shape=shape)
            attrs = dict(f[BOOKINGS].attrs)
            del f[BOOKINGS]
            dataset = f.create_virtual_dataset(BOOKINGS, layout, fillvalue=0)
            for key, value in attrs.items():
                dataset.attrs[key] = value
        elif kind == "huge-dims":
            rows = int(args[0])
            old = int(f.attrs["replications"])
            for name in ("replications", "replications_planned"):
                f.attrs.modify(name, np.int64(rows))
            for name in ("shard_run_replications",):
                if name in f.attrs:
                    f.attrs.modify(name, np.array([float(rows)]))
            paths = []
            f.visititems(lambda path, obj: paths.append(path)
                         if isinstance(obj, h5py.Dataset) and obj.chunks and obj.shape
                         and obj.shape[0] == old else None)
            for path in paths:
                old_dataset = f[path]
                attrs = dict(old_dataset.attrs)
                dtype, chunks, inner = old_dataset.dtype, old_dataset.chunks, old_dataset.shape[1:]
                del f[path]
                dataset = f.create_dataset(path, shape=(rows,) + inner, maxshape=(None,) + inner,
                                           dtype=dtype, chunks=chunks, compression="gzip",
                                           shuffle=True, fillvalue=0)
                for key, value in attrs.items():
                    dataset.attrs[key] = value
        elif kind == "written-zeros":
            rows = int(args[0])
            for name in ("replications", "replications_planned"):
                f.attrs.modify(name, np.int64(rows))
            replace_bookings(f, data=np.zeros((rows, shape[1])), compression="gzip",
                             chunks=(min(rows, 65536), shape[1]), compression_opts=9, shuffle=True)
        elif kind == "big-chunks":
            rows = 64 * 1024 * 1024 // 8 // shape[1]
            replace_bookings(f, data=np.zeros(shape), maxshape=(None, shape[1]),
                             chunks=(rows, shape[1]), compression="gzip")
        elif kind == "external-link":
            del f[BOOKINGS]
            f[BOOKINGS] = h5py.ExternalLink("other.h5", "/x")
        elif kind == "soft-link":
            del f[BOOKINGS]
            f[BOOKINGS] = h5py.SoftLink("/variants/baseline/wins")
        elif kind == "counts":
            for assignment in args:
                name, value = assignment.split("=")
                values = [int(v) for v in value.split(",")]
                del f.attrs[name]
                f.attrs[name] = np.int64(values[0]) if len(values) == 1 else np.array(
                    values, dtype=np.int64)
        else:
            sys.exit("make_hostile.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
