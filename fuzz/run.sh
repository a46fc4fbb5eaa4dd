#!/usr/bin/env bash
# Fuzzes reading and checking CSV files against schemas for SECONDS (default 600), seeded with
# the test fixtures. Any panic stops it and leaves the input under artifacts/csv_schema/.
#   bash fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p corpus/csv_schema
cp ../generator/tests/fixtures/malformed/* corpus/csv_schema/
for d in ../generator/tests/fixtures/invalid/*/; do cp "$d/data.csv" "corpus/csv_schema/$(basename "$d").csv"; done
# cargo-fuzz passes nightly-only flags; the stable toolchain accepts them with RUSTC_BOOTSTRAP.
# No sanitizer: the target is safe Rust, and the goal is panics, not memory errors.
RUSTC_BOOTSTRAP=1 cargo fuzz run --dev --sanitizer none csv_schema corpus/csv_schema -- \
  -max_total_time="$seconds" -max_len=65536 -print_final_stats=1
