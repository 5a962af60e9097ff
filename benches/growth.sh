#!/usr/bin/env bash
# benches/growth.sh [--runs N] [SMALL LARGE]
#
# How diptych's clean-build time grows with the size of the site: the shared corpus at
# SMALL and at LARGE pages (default 10000 and 100000, both languages), each built with the
# bundled site's site.yaml, Groningen theme, locales and data (as compare_hugo.sh does),
# the two sizes built one after the other N times (default 5), so that a machine that
# drifts slows both alike. Prints each size's median wall time and time per page, and
# how much the time grew against how much the pages grew: linear growth gives the same
# two factors.
#
# Needs: python3 and the corpus generator (GEN_CORPUS, default
# /work/shared/bench/gen_corpus.py). DIPTYCH: the binary (default: target/release/diptych,
# built here). Work files go to $TMPDIR, else /dev/shm (a tmpfs), else /tmp.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_args 2,15 10000 100000 -- "$@"
[ ${#SIZES[@]} -eq 2 ] || { echo "growth.sh takes two sizes (SMALL LARGE)" >&2; exit 2; }
bench_setup growth

for N in "${SIZES[@]}"; do
  python3 "$GEN" --pages "$N" --out "$W/corpus-$N" --flavor diptych >/dev/null
  site "$W/site-$N" "$REPO" "$W/corpus-$N/content"
  rm -rf "$W/corpus-$N"
  # Counted from the build itself: the pages of the site, both languages.
  "$DIPTYCH" --root "$W/site-$N" build --out "$W/out" 2>"$W/pages-$N" >/dev/null
  rm -rf "$W/out"
done

echo "# diptych $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, work dir $BASE, $RUNS builds of each size, alternating"
for _ in $(seq "$RUNS"); do
  for N in "${SIZES[@]}"; do
    start=$(date +%s%N)
    "$DIPTYCH" --root "$W/site-$N" build --out "$W/out" >/dev/null 2>&1
    end=$(date +%s%N)
    rm -rf "$W/out"
    echo "$N $(( (end - start) / 1000 ))" >>"$W/times"
  done
done

python3 - "$W/times" "${SIZES[@]}" "$W"/pages-* <<'EOF'
import re, statistics, sys
times, small, large, *page_files = sys.argv[1:]
walls = {}
for line in open(times):
    n, us = line.split()
    walls.setdefault(n, []).append(int(us) / 1e6)
pages = {}
for f in page_files:
    m = re.search(r"built (\d+) pages", open(f).read())
    pages[f.rsplit("-", 1)[1]] = int(m.group(1))
print("| pages | wall median (s) | min–max (s) | µs per page |")
print("|---:|---:|---:|---:|")
med = {}
for n in (small, large):
    med[n] = statistics.median(walls[n])
    print(f"| {pages[n]:,} | {med[n]:.3f} | {min(walls[n]):.3f}–{max(walls[n]):.3f} | {med[n] / pages[n] * 1e6:.1f} |")
grew, more = med[large] / med[small], pages[large] / pages[small]
print(f"\n{more:.2f}× the pages took {grew:.2f}× the time: "
      + ("linear or better" if grew <= more else f"{(grew / more - 1) * 100:.1f}% over linear"))
EOF
