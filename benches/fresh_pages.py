#!/usr/bin/env python3
"""benches/fresh_pages.py [--rounds N] [SMALL LARGE HOLD_MB]

What this machine charges for memory new to a process, which a 100,000-page build needs
a few GB of (its site, its output in memory, the output's copy in the page cache): writes
SMALL and LARGE files of 13 KB (a built page; default 8,000 and 80,000) to a tmpfs
folder, once with nothing else held and once while holding HOLD_MB (default 1,800, about
a 100,000-page build's peak) of memory written just before. Each round runs the four in
turn, two seconds apart; prints microseconds per file, medians over the rounds (default
3). Where memory costs the same however much is in use, the four figures are close; on
a virtual machine that hands freed memory back to its host, the large write while
holding much memory costs more per file.

Work files go to $TMPDIR, else /dev/shm, and are removed.
"""
import os
import shutil
import statistics
import sys
import tempfile
import time


def write_files(folder, files, size=13_000):
    page = b"x" * size
    start = time.perf_counter()
    for i in range(files):
        with open(os.path.join(folder, f"f{i}"), "wb") as f:
            f.write(page)
    return (time.perf_counter() - start) * 1e6 / files


def one(base, files, hold_mb):
    folder = tempfile.mkdtemp(prefix="fresh-pages.", dir=base)
    try:
        held = b"\x01" * (hold_mb << 20)  # written, so every page is in use
        per_file = write_files(folder, files)
        del held
        return per_file
    finally:
        shutil.rmtree(folder)


def main(args):
    rounds = 3
    if args[:1] == ["--rounds"]:
        rounds, args = int(args[1]), args[2:]
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return
    small, large, hold = (int(a) for a in (args or ["8000", "80000", "1800"]))
    base = os.environ.get("TMPDIR") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp")
    runs = [(small, 0), (large, 0), (small, hold), (large, hold)]
    times = {r: [] for r in runs}
    for _ in range(rounds):
        for files, hold_mb in runs:
            time.sleep(2)
            times[(files, hold_mb)].append(one(base, files, hold_mb))
    print(f"| files of 13 KB written to {base} | holding | µs per file (median of {rounds}) | min–max |")
    print("|---:|---:|---:|---:|")
    for (files, hold_mb), t in times.items():
        print(f"| {files:,} | {hold_mb:,} MB | {statistics.median(t):.1f} | {min(t):.1f}–{max(t):.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
