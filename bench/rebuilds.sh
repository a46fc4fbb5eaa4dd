#!/usr/bin/env bash
# Rebuilds of a portal that `bench/portal.sh N` generated and built, one after another: with
# nothing changed, after one CSV row added to a dataset drawn at random, and after one
# dataset.toml's English title changed, ROUNDS rounds of the three, each after the files are
# flushed and three seconds pass. Prints each rebuild's wall seconds and CPU seconds (from
# SALA_TIMINGS), then the range per kind.
#   bash bench/rebuilds.sh [N] [ROUNDS]          (default 10000 and 3)
#   SALA=path/to/sala TMPDIR=... bash bench/rebuilds.sh N   (the binary and folder portal.sh used)
# The portal's datasets are changed in place (as portal.sh itself does): run portal.sh again
# for a fresh one.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
rounds="${2:-3}"
work="${TMPDIR:-/tmp}/sala-portal-$n"
sala="${SALA:-${CARGO_TARGET_DIR:-target}/release/sala}"
[ -d "$work/portal" ] && [ -d "$work/sala-out" ] || { echo "no built portal in $work: run bench/portal.sh $n first" >&2; exit 1; }
results=$(mktemp)
for _ in $(seq 1 "$rounds"); do
  for kind in nothing csv toml; do
    dir="$work/portal/datasets/$(printf 'ds-%06d' $(( (RANDOM * 32768 + RANDOM) % n )))"
    case $kind in
      csv) tail -1 "$dir/table-1.csv" | python3 -c "import sys; f = sys.stdin.read().split(',', 1); print(f'{int(f[0]) + 1},{f[1]}', end='')" >>"$dir/table-1.csv" ;;
      toml) sed -i '0,/en = "/s//en = "(revised) /' "$dir/dataset.toml" ;;
    esac
    sync
    sleep 3
    start=$(date +%s.%N)
    SALA_TIMINGS=1 "$sala" build --root "$work/portal" --output "$work/sala-out" --lang en >"$work/rebuild.log" 2>&1 || { cat "$work/rebuild.log"; exit 1; }
    end=$(date +%s.%N)
    cpu=$(awk '$1 == "timing" { c = $6 } END { print c }' "$work/rebuild.log")
    wall=$(python3 -c "print(f'{$end - $start:.2f}')")
    echo "$kind $wall $cpu" | tee -a "$results"
  done
done
python3 - "$results" <<'PY'
import sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    kind, wall, cpu = line.split()
    runs[kind].append((float(wall), float(cpu or 0)))
names = {"nothing": "nothing changed", "csv": "one CSV row added", "toml": "one dataset.toml title"}
for kind in ("nothing", "csv", "toml"):
    w = [r[0] for r in runs[kind]]
    c = [r[1] for r in runs[kind]]
    print(f"{names[kind]:<24} {min(w):.2f}-{max(w):.2f} s wall  {min(c):.1f}-{max(c):.1f} CPU s  ({len(w)} rebuilds)")
PY
rm -f "$results"
