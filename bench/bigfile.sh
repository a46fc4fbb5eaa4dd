#!/usr/bin/env bash
# Peak memory and wall time of `sala check` and `sala build` on one resource of ROWS rows
# (default 10,000,000: 1.1 GB of CSV from bench/gen_finance.py) as agencies' files come:
# plain, every field quoted, CRLF line ends, Windows-874 (Thai Excel exports) and split in two
# files. Issue 15's goal: each ≤ 2 GB peak.
#   bash bench/bigfile.sh [ROWS]      (needs python3, iconv and GNU time; release build)
# One variant and one build output exist at a time (about 8 GB of disk at 10M rows).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
work="${TMPDIR:-/tmp}/sala-bigfile-$rows"
rm -rf "$work"
python3 bench/gen_finance.py "$work" "$rows" >/dev/null
rm -rf "$work/errors"
cargo build --release --quiet --bin sala
sala="$(pwd)/${CARGO_TARGET_DIR:-target}/release/sala"
clean="$work/clean"
lines="$clean/datasets/finance/lines.csv"

# A copy of the clean portal whose lines.csv is made by the command given (reading stdin).
variant() {
  local name="$1"; shift
  rm -rf "$work/$name"
  mkdir -p "$work/$name/datasets/finance"
  cp "$clean/site.toml" "$work/$name/"
  cp -r "$clean/datasets/agencies" "$work/$name/datasets/"
  cp "$clean/datasets/finance/dataset.toml" "$work/$name/datasets/finance/"
  "$@" < "$lines" > "$work/$name/datasets/finance/lines.csv"
}
quote_all() { sed 's/,/","/g; s/^/"/; s/$/"/'; }
crlf() { sed 's/$/\r/'; }
thai_excel() { sed 's/$/\r/' | iconv -f UTF-8 -t CP874; }

# "wall s, peak MB" of a command.
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
  read -r wall kb < "$work/time"
  printf '%6.1f s %6d MB' "$wall" "$((kb / 1024))"
}

printf '%-16s %-20s %-20s\n' variant "check" "build"
for name in clean quoted crlf windows-874 two-files; do
  case "$name" in
    clean) ;;
    quoted) variant quoted quote_all ;;
    crlf) variant crlf crlf ;;
    windows-874) variant windows-874 thai_excel ;;
    two-files)
      variant two-files head -n 0
      half=$(( (rows + 1) / 2 ))
      head -n "$((half + 1))" "$lines" > "$work/two-files/datasets/finance/lines-1.csv"
      { head -n 1 "$lines"; tail -n "+$((half + 2))" "$lines"; } > "$work/two-files/datasets/finance/lines-2.csv"
      rm "$work/two-files/datasets/finance/lines.csv"
      sed -i 's|^path = "lines.csv"|path = ["lines-1.csv", "lines-2.csv"]|' "$work/two-files/datasets/finance/dataset.toml"
      ;;
  esac
  root="$work/$name"
  sync
  check=$(measure "$sala" check --root "$root")
  # A first build, as on a fresh clone: no build cache from an earlier one.
  rm -rf "$root/.sala-cache"
  build=$(measure "$sala" build --root "$root" --output "$work/out" --lang en)
  printf '%-16s %-20s %-20s\n' "$name" "$check" "$build"
  rm -rf "$work/out" "$root/.sala-cache"
  [ "$name" = clean ] || rm -rf "$root"
done
rm -rf "$work"
