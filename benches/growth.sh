#!/usr/bin/env bash
# benches/growth.sh [--runs N] [--instructions] [--profile] [SMALL LARGE]
#
# How diptych's clean-build time grows with the size of the site: the shared corpus at
# SMALL and at LARGE pages (default 10000 and 100000, both languages), each built with the
# bundled site's site.yaml, Groningen theme, locales and data (as compare_hugo.sh does),
# the two sizes built one after the other N times (default 5), so that a machine that
# drifts slows both alike. Prints each size's median wall and CPU time (user + system)
# and time per page, and how much each grew against how much the pages grew: linear
# growth gives the same factors. The spread of each run's own factor (its large build
# against the small one just before it) shows how much of that is the machine's drift.
# Two 95% intervals say whether the growth is linear or better beyond the noise: a
# bootstrap one for the ratio of the medians, and from 6 runs on a distribution-free one
# for the median of each run's own factor (on a noisy machine, 15 or more runs narrow
# them).
#
# --instructions: also counts the instructions of one build of each size (valgrind's
# callgrind, on one thread; about 40 s per 10,000 pages), to tell work that grows faster
# than the site from the same work taking longer on a bigger working set.
#
# --profile: also samples 3 builds of SMALL and 1 of LARGE with `perf record -e cpu-clock`
# and lists the functions (diptych's, the libraries' and the kernel's) whose samples grew
# most beyond the pages' factor: where the time that grows faster than the site goes.
#
# Needs: python3 and the corpus generator (GEN_CORPUS, default
# /work/shared/bench/gen_corpus.py). DIPTYCH: the binary (default: target/release/diptych,
# built here). Work files go to $TMPDIR, else /dev/shm (a tmpfs), else /tmp.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
INSTRUCTIONS=0
PROFILE=0
args=()
for a in "$@"; do
  case "$a" in
    --instructions) INSTRUCTIONS=1 ;;
    --profile) PROFILE=1 ;;
    *) args+=("$a") ;;
  esac
done
bench_args 2,27 10000 100000 -- "${args[@]}"
if [ "$INSTRUCTIONS" = 1 ]; then command -v valgrind >/dev/null || need "valgrind for --instructions"; fi
if [ "$PROFILE" = 1 ]; then command -v perf >/dev/null || need "perf for --profile"; fi
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
    TIMEFORMAT="$N %3R %3U %3S"
    { time "$DIPTYCH" --root "$W/site-$N" build --out "$W/out" >/dev/null 2>&1; } 2>>"$W/times"
    rm -rf "$W/out"
  done
done
if [ "$INSTRUCTIONS" = 1 ]; then
  for N in "${SIZES[@]}"; do
    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      "$DIPTYCH" --root "$W/site-$N" build --out "$W/out" >/dev/null 2>"$W/cg-$N"
    rm -rf "$W/out"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$W/cg-$N" | sed "s/^/$N /" >>"$W/instructions"
  done
fi

if [ "$PROFILE" = 1 ]; then
  for N in "${SIZES[@]}"; do
    builds=3
    [ "$N" = "${SIZES[1]}" ] && builds=1
    for _ in $(seq "$builds"); do
      perf record -q -e cpu-clock -F 999 -o "$W/perf.data" \
        "$DIPTYCH" --root "$W/site-$N" build --out "$W/out" >/dev/null 2>&1
      rm -rf "$W/out"
      perf report -i "$W/perf.data" -n --no-children --sort dso,sym 2>/dev/null \
        | awk -v n="$N" '!/^#/ && NF > 2 { c = $2; $1 = ""; $2 = ""; print n "\t" c "\t" $0 }' \
        >>"$W/profile"
    done
  done
  rm -f "$W/perf.data"
fi

python3 - "$W/times" "$W/instructions" "${SIZES[@]}" "$W"/pages-* <<'EOF'
import math, os, random, re, statistics, sys
times, instructions, small, large, *page_files = sys.argv[1:]
walls, cpus = {}, {}
for line in open(times):
    n, real, user, system = line.split()
    walls.setdefault(n, []).append(float(real))
    cpus.setdefault(n, []).append(float(user) + float(system))
pages = {}
for f in page_files:
    m = re.search(r"built (\d+) pages", open(f).read())
    pages[f.rsplit("-", 1)[1]] = int(m.group(1))
counts = {}
if os.path.exists(instructions):
    for line in open(instructions):
        n, count = line.split()
        counts[n] = int(count)
print("| pages | wall median (s) | min–max (s) | µs per page | CPU median (s) |"
      + (" instructions |" if counts else ""))
print("|---:|---:|---:|---:|---:|" + ("---:|" if counts else ""))
wall, cpu = {}, {}
for n in (small, large):
    wall[n], cpu[n] = statistics.median(walls[n]), statistics.median(cpus[n])
    print(f"| {pages[n]:,} | {wall[n]:.3f} | {min(walls[n]):.3f}–{max(walls[n]):.3f} "
          f"| {wall[n] / pages[n] * 1e6:.1f} | {cpu[n]:.2f} |"
          + (f" {counts[n] / 1e9:.2f} G |" if counts else ""))
more = pages[large] / pages[small]
def grew(what, a, b):
    g = b / a
    verdict = "linear or better" if g <= more else f"{(g / more - 1) * 100:.1f}% over linear"
    print(f"{what}: {g:.2f}× for {more:.2f}× the pages ({verdict})")
print()
grew("wall time", wall[small], wall[large])
# A bootstrap interval for that ratio of medians: each size's builds drawn again with
# replacement (seeded, so a rerun on the same times prints the same interval).
draw = random.Random(0)
ratios = sorted(
    statistics.median(draw.choices(walls[large], k=len(walls[large])))
    / statistics.median(draw.choices(walls[small], k=len(walls[small])))
    for _ in range(10000)
)
lo, hi = ratios[249], ratios[9749]
verdict = ("linear or better" if hi <= more else "faster than linear" if lo > more
           else "undecided: the interval holds the pages' factor")
print(f"  95% bootstrap interval: {lo:.2f}–{hi:.2f}× ({verdict})")
# Each run's two builds, one right after the other, grew by their own factor: the
# spread of those factors is how far the machine's drift moves the one above.
pairs = sorted(b / a for a, b in zip(walls[small], walls[large]))
print(f"  each run's own factor: {pairs[0]:.2f}–{pairs[-1]:.2f}× (median {statistics.median(pairs):.2f}×)")
# A distribution-free confidence interval for the median of those factors: the k-th
# smallest and k-th largest, k the largest with at most 2.5% chance that fewer than k
# of the runs fall below the true median (each run being below it with chance one half).
n = len(pairs)
below = lambda k: sum(math.comb(n, i) for i in range(k)) / 2 ** n
k = max((k for k in range(1, n // 2 + 1) if below(k) <= 0.025), default=None)
if k is None:
    print(f"  (a 95% interval for their median needs at least 6 runs; --runs {n})")
else:
    lo, hi = pairs[k - 1], pairs[n - k]
    verdict = ("linear or better" if hi <= more else
               "faster than linear" if lo > more else "undecided: the interval holds the pages' factor")
    print(f"  their median lies in {lo:.2f}–{hi:.2f}× with {100 * (1 - 2 * below(k)):.1f}% "
          f"confidence ({verdict})")
grew("CPU time", cpu[small], cpu[large])
if counts:
    grew("instructions", counts[small], counts[large])
EOF

if [ "$PROFILE" = 1 ]; then
  python3 - "$W/profile" "${SIZES[@]}" <<'EOF'
import collections, sys
profile, small, large = sys.argv[1:]
samples = {small: collections.Counter(), large: collections.Counter()}
for line in open(profile):
    n, count, where = line.rstrip("\n").split("\t", 2)
    samples[n][where.strip()] += int(count)
# The small size was sampled 3 times, the large once.
a = {k: v / 3 for k, v in samples[small].items()}
b = samples[large]
more = int(large) / int(small)
total_a, total_b = sum(a.values()), sum(b.values())
print()
print(f"CPU samples (perf, 1 ms each): {total_a:.0f} at {small} (mean of 3), {total_b} at {large}:"
      f" {total_b / total_a:.2f}x for {more:.0f}x the corpus")
print("the functions whose samples grew most beyond that:")
print(f"| excess samples | {small} | {large} | grew | function |")
print("|---:|---:|---:|---:|---|")
excess = sorted(((b.get(k, 0) - more * a.get(k, 0), k) for k in set(a) | set(b)), reverse=True)
for e, k in excess[:12]:
    g = f"{b.get(k, 0) / a[k]:.1f}x" if a.get(k) else "new"
    print(f"| {e:.0f} | {a.get(k, 0):.1f} | {b.get(k, 0)} | {g} | `{k[:90]}` |")
EOF
fi
