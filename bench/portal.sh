#!/usr/bin/env bash
# Benchmark of `sala build` on a generated portal of N datasets (N/10 agencies, 1-2 CSV
# resources of 50-500 rows each, bilingual metadata), side by side with Hugo building the same
# number of pages. Prints wall time, peak RSS, pages/s, the ratio to Hugo, the search bytes a
# reader downloads at first use, a second build with nothing changed, a third after one
# dataset's CSV changed, a fourth after one dataset.toml changed, and `sala serve`'s rebuild
# after one CSV changed.
#   bash bench/portal.sh [N]                 (default 1000)
#   SALA=path/to/sala bash bench/portal.sh N  (time that binary instead of a release build)
# Without SALA, Sala is built in release mode as `cargo install` makes it (the first run
# compiles Polars with full optimisation, about 20 minutes); `CARGO_TARGET_DIR` is honoured.
# Hugo is installed with apt-get where it is missing. Needs python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
work="${TMPDIR:-/tmp}/sala-portal-$n"
target="${CARGO_TARGET_DIR:-target}"

# The generator is not timed: a debug build of it is enough.
cargo build --quiet --example gen_portal
if [ -z "${SALA:-}" ]; then
  cargo build --release --quiet --bin sala
  SALA="$target/release/sala"
fi
if ! command -v hugo >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null
fi
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

# A previous run's tree is deleted first, and then the script waits six minutes. On ext4 without a
# journal (this project's VM), creating a file skips every inode freed in the last one to six
# minutes at the cost of a buffer lookup each: right after deleting the 190,000 files of a
# previous 10,000-dataset run, creating files is five times slower, and only the first build
# (Sala's) would pay for it. Built on a fresh clone, as CI and a new user do, nothing waits.
if [ -e "$work" ]; then
  rm -rf "$work"
  sync
  echo "deleted the previous run's $work; waiting 6 minutes for the file system to settle" >&2
  sleep "${SETTLE_SECONDS:-360}"
fi
mkdir -p "$work"
"$target/debug/examples/gen_portal" "$work/portal" "$n"
# The files were just written: flushed first, so that writing them back does not compete with
# the builds timed below. Then two seconds pass: a build trusts a file's size and time only
# when it was written at least two seconds before the last build began (some file systems
# keep whole seconds), and files committed to a portal's repository are older than that; files
# written in the instant before the first build would be read again by the first rebuild.
sync
sleep 2

# Wall seconds and peak resident set (KB) of a command, from GNU time.
measure() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }; cat "$work/time.txt"; }

read -r sala_s sala_kb < <(SALA_TIMINGS=1 measure "$SALA" build --root "$work/portal" --output "$work/sala-out" --lang en)
# Where the first build's time went (wall and CPU seconds per stage, peak memory so far).
grep '^timing' "$work/last.log" >"$work/timings.txt" || true
pages=$(find "$work/sala-out" -name '*.html' | wc -l)
files=$(find "$work/sala-out" -type f | wc -l)
biggest=$(find "$work/sala-out" -name '*.html' -printf '%s %P\n' | sort -rn | sed -n 1p)

# The first build's 4 GB are flushed before the rebuilds are timed, as the portal's files were
# before the first build: a rebuild comes minutes after the build before it, not while the
# kernel still writes that build's files back (which took a core from the rebuilds timed here).
sync
# The portal is built again with nothing changed: the floor of every rebuild, and the warm-up
# of the two after it (as hyperfine's --warmup). This project's VM pages out whatever was not
# touched for a minute (DAMON's pageout scheme: age >= 12 intervals of 5 s), and the portal's
# files were read at the start of the first build, longer ago than that: the rebuild after
# them would wait on the disk for 35,000 inputs' inodes, which an edit-and-rebuild loop has in
# memory. (Built with every cache dropped, a rebuild at 10,000 datasets waits tens of seconds
# on this VM's disk, as any tool reading 190,000 files would.)
read -r same_s same_kb < <(SALA_TIMINGS=1 measure "$SALA" build --root "$work/portal" --output "$work/sala-out" --lang en)
# One dataset's CSV changes (a row added), and the portal is built again.
csv="$work/portal/datasets/ds-000000/table-1.csv"
tail -1 "$csv" | python3 -c "import sys; f = sys.stdin.read().split(',', 1); print(f'{int(f[0]) + 1},{f[1]}', end='')" >>"$csv"
read -r again_s again_kb < <(SALA_TIMINGS=1 measure "$SALA" build --root "$work/portal" --output "$work/sala-out" --lang en)
grep '^timing' "$work/last.log" >"$work/timings-again.txt" || true

# One dataset's dataset.toml changes (its English title), and the portal is built again.
toml="$work/portal/datasets/ds-000001/dataset.toml"
sed -i '0,/en = "/s//en = "(revised) /' "$toml"
read -r toml_s toml_kb < <(measure "$SALA" build --root "$work/portal" --output "$work/sala-out" --lang en)

# `sala serve`: its first build, then its rebuild after one dataset's CSV changed (the time it
# reports: from noticing the change to the site being served again).
"$SALA" serve --root "$work/portal" --port 0 --lang en 2>"$work/serve.log" >/dev/null &
serve_pid=$!
wait_for_builds() { for _ in $(seq 1 1800); do [ "$(grep -c '^rebuilt' "$work/serve.log")" -ge "$1" ] && return 0; kill -0 $serve_pid 2>/dev/null || return 1; sleep 0.2; done; return 1; }
serve_s=-1
if wait_for_builds 1; then
  # Its first build (a whole site in a new folder) is flushed too before the change.
  sync
  csv2="$work/portal/datasets/ds-000002/table-1.csv"
  tail -1 "$csv2" | python3 -c "import sys; f = sys.stdin.read().split(',', 1); print(f'{int(f[0]) + 1},{f[1]}', end='')" >>"$csv2"
  wait_for_builds 2 && serve_s=$(grep '^rebuilt' "$work/serve.log" | sed -n 2p | sed -E 's/.* in ([0-9.]+) s.*/\1/')
fi
kill $serve_pid 2>/dev/null || true
wait $serve_pid 2>/dev/null || true

# What the search page downloads at first use, per language, before compression: the manifest
# of the sharded index and the two blocks of the first 20 datasets (the whole index before it
# was sharded).
first_use() {
  local dir="$work/sala-out/$1search"
  if [ -f "$dir/manifest.json" ]; then
    cat "$dir/manifest.json" "$dir/docs/0.json" "$dir/docs/1.json" 2>/dev/null | wc -c
  else
    stat -c %s "$dir/index.json"
  fi
}
search_th=$(first_use "")
search_en=$(first_use "en/")
# What a first query adds for the filters' counts: the postings of the values offered.
facets_of() { find "$work/sala-out/$1search/facets" -name '*.json' ! -name '*-all.json' -exec cat {} + 2>/dev/null | wc -c; }
facets_th=$(facets_of "")
facets_en=$(facets_of "en/")

# Hugo builds as many pages, each like a dataset page: a title, a paragraph, a 50-row table.
python3 - "$work/hugo" "$pages" <<'PY'
import os, sys
root, pages = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{root}/layouts/_default", exist_ok=True)
os.makedirs(f"{root}/content/p", exist_ok=True)
open(f"{root}/config.toml", "w").write('baseURL = "https://data.example.go.th/"\ntitle = "bench"\n'
    'disableKinds = ["taxonomy", "term"]\n')
base = '<!doctype html><html lang="th"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>'
open(f"{root}/layouts/_default/baseof.html", "w").write(base)
open(f"{root}/layouts/_default/single.html", "w").write('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}')
open(f"{root}/layouts/_default/list.html", "w").write('{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}')
rows = "\n".join(f"| {i} | กรุงเทพมหานคร | 2567 | operating | {i * 1234.5:.2f} | 2025-01-{i % 28 + 1:02} | งบประมาณ{i} |" for i in range(1, 51))
table = "| row_id | province | fiscal_year | category | amount | recorded | note |\n|---|---|---|---|---|---|---|\n" + rows
for i in range(pages - 1):
    open(f"{root}/content/p/{i}.md", "w").write(f'+++\ntitle = "ชุดข้อมูลที่ {i} Dataset {i}"\n+++\n'
        f"ข้อมูลงบประมาณและรายจ่ายของจังหวัด ปีงบประมาณ 2567 รวบรวมจากหน่วยงานในพื้นที่ Figures on budget and expenditure no. {i}.\n\n{table}\n")
PY
sync
read -r hugo_s hugo_kb < <(measure hugo --quiet -s "$work/hugo" -d "$work/hugo-out")
hugo_pages=$(find "$work/hugo-out" -name '*.html' | wc -l)

pages_stage=$(awk '$2 == "pages" { print $3 }' "$work/timings.txt")
python3 - "$n" "$pages" "$files" "$sala_s" "$sala_kb" "$again_s" "$again_kb" "$hugo_pages" "$hugo_s" "$hugo_kb" "$search_th" "$search_en" "$biggest" "$facets_th" "$facets_en" "$toml_s" "$toml_kb" "$serve_s" "${pages_stage:-0}" "$same_s" "$same_kb" <<'PY'
import sys
n, pages, files = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sala_s, sala_kb, again_s, again_kb = float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
hugo_pages, hugo_s, hugo_kb = int(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])
search_th, search_en, biggest = int(sys.argv[11]), int(sys.argv[12]), sys.argv[13]
facets_th, facets_en = int(sys.argv[14]), int(sys.argv[15])
toml_s, toml_kb, serve_s, pages_stage = float(sys.argv[16]), int(sys.argv[17]), float(sys.argv[18]), float(sys.argv[19])
same_s, same_kb = float(sys.argv[20]), int(sys.argv[21])
sala_rate, hugo_rate = pages / sala_s, hugo_pages / hugo_s
print(f"\n{n:,} datasets: Sala wrote {pages:,} pages ({files:,} files); Hugo {hugo_pages:,} pages")
print(f"{'':<34}{'wall s':>8}{'peak RSS':>11}{'pages/s':>10}")
print(f"{'sala build':<34}{sala_s:>8.1f}{sala_kb / 1024:>8.0f} MB{sala_rate:>10,.0f}")
print(f"{'sala build, nothing changed':<34}{same_s:>8.2f}{same_kb / 1024:>8.0f} MB")
print(f"{'sala build after one CSV changed':<34}{again_s:>8.2f}{again_kb / 1024:>8.0f} MB{pages / again_s:>10,.0f}")
print(f"{'sala build after a dataset.toml':<34}{toml_s:>8.2f}{toml_kb / 1024:>8.0f} MB")
print(f"{'sala serve rebuild after one CSV':<34}{serve_s:>8.2f}" if serve_s >= 0 else "sala serve: no rebuild seen (see serve.log)")
print(f"{'hugo (same page count)':<34}{hugo_s:>8.1f}{hugo_kb / 1024:>8.0f} MB{hugo_rate:>10,.0f}")
print(f"\npages/s, Sala / Hugo: {sala_rate / hugo_rate:.2f}x (the whole build: pages, downloads, API, catalogs)")
if pages_stage > 0:
    print(f"pages/s of Sala's page stage alone ({pages_stage:.1f} s): {pages / pages_stage:,.0f}, {pages / pages_stage / hugo_rate:.2f}x Hugo's")
print(f"search at first use: {search_th / 1024:,.0f} KB (th), {search_en / 1024:,.0f} KB (en)")
print(f"the first query's filter counts add: {facets_th / 1024:,.0f} KB (th), {facets_en / 1024:,.0f} KB (en)")
size, path = biggest.split(" ", 1)
print(f"largest page: {int(size) / 1024:,.0f} KB ({path})")
PY
echo "where the first build's time went:"
sed 's/^/  /' "$work/timings.txt"
echo "where the rebuild after one CSV changed went:"
sed 's/^/  /' "$work/timings-again.txt"
echo "machine load (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
