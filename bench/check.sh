#!/usr/bin/env bash
# Benchmark of `sala check` on a 1,000,000-row, 9-column finance CSV, side by side with a plain
# Polars read of the same file and with `frictionless validate`. Prints rows per second.
#   bash bench/check.sh [ROWS]        (needs python3; installs frictionless with pip if absent)
# Release builds, as `cargo install` makes them: the first run compiles Polars with full
# optimisation (about 20 minutes on 2 cores); `CARGO_TARGET_DIR` is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="${TMPDIR:-/tmp}/sala-bench-$rows"
python3 bench/gen_finance.py "$work" "$rows"
# The files were just written: flushed to disk first, so that writing them back does not
# compete with the runs timed below.
sync
cargo build --release --quiet --bin sala --example plain_read --example scan_share
target="${CARGO_TARGET_DIR:-target}/release"
csv="$work/clean/datasets/finance/lines.csv"

# Best wall time of 5 runs, in seconds, for each command; the commands take turns, so that
# whatever else the machine does meanwhile falls on all of them alike.
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); python3 -c "print($e - $s)"; }
sala=999999 sala_errors=999999 plain=999999
for round in 0 1 2 3 4 5; do
  t1=$(timed "$target/sala" check --root "$work/clean")
  t2=$(timed "$target/sala" check --root "$work/errors")
  t3=$(timed "$target/examples/plain_read" "$csv")
  [ "$round" = 0 ] && continue # a first round to warm the caches, not counted
  read -r sala sala_errors plain < <(python3 -c "print(min($sala, $t1), min($sala_errors, $t2), min($plain, $t3))")
done
echo "planted errors are found where they were put:"
"$target/sala" check --root "$work/errors" --format concise --lang en | sed 's/^/  /' || true

read -r check_s scan_s _ < <("$target/examples/scan_share" "$csv" "$work/lines.schema.json")

python3 -m pip show frictionless >/dev/null 2>&1 || python3 -m pip install --quiet frictionless
fl_s=$(date +%s.%N)
# frictionless refuses absolute paths ("not safe"): run it beside the files.
(cd "$work" && frictionless validate --schema lines.schema.json clean/datasets/finance/lines.csv >/dev/null 2>&1) || true
fl_e=$(date +%s.%N)

python3 - "$rows" "$sala" "$plain" "$fl_s" "$fl_e" "$check_s" "$scan_s" "$sala_errors" <<'PY'
import sys
rows, sala, plain, s, e = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
check_s, scan_s, sala_errors = float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
fl = e - s
print(f"\n{'tool':<40}{'seconds':>10}{'rows/s':>14}")
for name, t in [("sala check (all rules)", sala), ("sala check, the copy with 3 errors", sala_errors),
                ("plain Polars CSV read", plain), ("frictionless validate", fl)]:
    print(f"{name:<40}{t:>10.2f}{rows / t:>14,.0f}")
print(f"\nsala check / plain read: {plain / sala:.2f}x   (target >= 0.7x)")
print(f"sala check / frictionless: {fl / sala:.0f}x   (target >= 50x)")
print(f"personal-data scan: {scan_s:.3f} s of {check_s:.3f} s checking the file = {100 * scan_s / (check_s - scan_s):.0f}% added   (target < 30%)")
PY
