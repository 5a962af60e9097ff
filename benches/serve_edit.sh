#!/usr/bin/env bash
# benches/serve_edit.sh [--runs N] [PAGES [PATH]]
#
# What an editor waits for in `diptych serve` after saving the template every page reads,
# with no page open: the shared corpus at PAGES pages (default 10000) with the bundled
# site's configuration, Groningen theme, locales and data is served on a free port; each
# of N runs (default 5) saves `base.html` with a new attribute on its footer and fetches
# PATH (default /en/topics/venture-capital/, a term page) in a loop until it shows the
# attribute, then waits until the server has built every file before the next save.
# Prints the time from the save to that answer (the watcher's 50 ms wait for more changes
# included) and the server's own report of each rebuild. AGAIN=S: each run saves
# `base.html` a first time S seconds before (while the rest of that build may still be
# rendering), and times the page showing the second save. SECOND=text (with AGAIN): the
# second save adds a paragraph to an article instead, and the article is fetched.
#
# Needs: python3 and the corpus generator (GEN_CORPUS, default
# /work/shared/bench/gen_corpus.py). DIPTYCH: the binary (default: target/release/diptych,
# built here). Work files go to $TMPDIR, else /dev/shm (a tmpfs), else /tmp.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_args 2,14 10000 -- "$@"
PAGES=${SIZES[0]}
PAGE=${SIZES[1]:-/en/topics/venture-capital/}
bench_setup serve_edit
python3 "$GEN" --pages "$PAGES" --flavor diptych --out "$W/corpus" >/dev/null
site "$W/site" "$REPO" "$W/corpus/content"
python3 - "$DIPTYCH" "$W/site" "$PAGE" "$RUNS" "${AGAIN:-}" "${SECOND:-}" <<'PY'
import html, os, re, subprocess, sys, time, urllib.request

diptych, root, page, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
again = float(sys.argv[5]) if sys.argv[5] else None
prose = sys.argv[6] == "text"
base = os.path.join(root, "themes/groningen/templates/base.html")
text = open(base).read()
article = os.path.join(root, "content/energie/p00000.nl.md")
article_text = open(article).read()
log_path = os.path.join(root, "serve.log")
log = open(log_path, "w")
server = subprocess.Popen([diptych, "--root", root, "serve", "--port", "0"],
                          stdout=subprocess.PIPE, stderr=log, text=True)
try:
    port = re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1)

    def fetch(path=None):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path or page}") as answer:
            return answer.read().decode()

    if prose:
        # The article's page: the section's link with its title.
        title = re.search(r'^title: "(.*)"', article_text, re.M).group(1)
        link = r'<a href="(/nl/energie/[^"]+/)">' + re.escape(html.escape(title, quote=False))
        page = re.search(link, fetch("/nl/energie/")).group(1)
    fetch()
    for run in range(runs):
        mark = f"data-bench-save=\"{run}-{time.time()}\""
        time.sleep(1.5)
        if again is not None:
            with open(base, "w") as f:
                f.write(text.replace("<footer", f"<footer data-bench-first=\"{run}\"", 1))
            time.sleep(again)
        saved = time.monotonic()
        if prose:
            mark = f"Bench paragraph {run}-{time.time()}."
            with open(article, "w") as f:
                f.write(f"{article_text}\n{mark}\n")
        else:
            with open(base, "w") as f:
                f.write(text.replace("<footer", f"<footer {mark}", 1))
        fetches = 0
        while mark not in fetch():
            fetches += 1
            time.sleep(0.002)
        took = 1000 * (time.monotonic() - saved)
        print(f"save {run + 1}: {page} showed it {took:.0f} ms after the save ({fetches} fetches before)")
        # The next save waits until this one is built in full (the first build's
        # report, then one per save).
        while sum(l.startswith("rebuilt in") for l in open(log_path)) < run + 2:
            time.sleep(0.05)
        time.sleep(0.5)
finally:
    with open(base, "w") as f:
        f.write(text)
    with open(article, "w") as f:
        f.write(article_text)
    server.terminate()
    server.wait()
print("the server's reports:")
for line in open(log_path):
    if line.startswith(("ready in", "showed", "rebuilt in", "a newer change")):
        print("  " + line.rstrip())
PY
