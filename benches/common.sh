# benches/common.sh: argument parsing and set-up shared by the benchmark scripts
# (sourced by them, not run).

# bench_args HELP DEFAULT… -- ARG…: RUNS from `--runs N` (default 5) and SIZES from the
# other arguments, else the defaults; `-h` prints the lines HELP (`2,21`) of the script.
bench_args() {
  local help=$1 defaults=()
  shift
  while [ "$1" != "--" ]; do defaults+=("$1"); shift; done
  shift
  RUNS=5
  SIZES=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --runs) RUNS=${2:?--runs N}; shift 2 ;;
      -h|--help) sed -n "${help}p" "$0"; exit 0 ;;
      *) SIZES+=("$1"); shift ;;
    esac
  done
  [ ${#SIZES[@]} -gt 0 ] || SIZES=("${defaults[@]}")
}

# need WHAT: says what the script needs and exits 2.
need() { echo "$(basename "$0") needs $1" >&2; exit 2; }

# bench_setup NAME: REPO, GEN (the corpus generator), DIPTYCH (a release build unless
# set), and W: a work directory NAME.XXXXXX under $TMPDIR, else /dev/shm (a tmpfs, so
# the figures measure the tools and not the disk), else /tmp, removed on exit.
bench_setup() {
  REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  GEN=${GEN_CORPUS:-/work/shared/bench/gen_corpus.py}
  command -v python3 >/dev/null || need "python3"
  [ -f "$GEN" ] || need "the corpus generator gen_corpus.py (set GEN_CORPUS)"
  if [ -z "${DIPTYCH:-}" ]; then
    (cd "$REPO" && cargo build --release --quiet) || need "a release build of diptych (cargo build --release)"
    DIPTYCH=$REPO/target/release/diptych
  fi
  [ -x "$DIPTYCH" ] || need "the diptych binary (DIPTYCH=$DIPTYCH is not executable)"
  BASE=${TMPDIR:-$([ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo /tmp)}
  W=$(mktemp -d "$BASE/$1.XXXXXX")
  trap 'rm -rf "$W"' EXIT
}

# site DIR SOURCE CONTENT: a diptych site at DIR with SOURCE's configuration, theme,
# locales, data, static files and templates, and a copy of the content folder CONTENT.
site() {
  mkdir -p "$1"
  for p in site.yaml themes locales data static templates; do
    if [ -e "$2/$p" ]; then cp -r "$2/$p" "$1/"; fi
  done
  cp -r "$3" "$1/content"
}
