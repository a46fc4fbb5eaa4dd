#!/usr/bin/env bash
# Lighthouse (performance, accessibility, best practices, SEO) on every page type of the demo
# portal in Thai and English, as a phone (Lighthouse's default: a mid-range phone on a slow
# 4G line, simulated) and as a desktop (--preset=desktop). Offline: the demo is built and
# served on 127.0.0.1 by a static server (e2e/static-server.mjs: gzip, content types, each
# language's 404 page), nothing is fetched from the internet but Lighthouse itself, once.
#   bash bench/lighthouse.sh [OUT [PATH ...]]   (OUT: a folder, default a new one under /tmp)
# With PATHs, only those pages are measured again into OUT (the table lists every report there).
# Writes OUT/lighthouse/<page>-<form factor>.json, OUT/scores.md (the table for the README)
# and full-page screenshots of the home, a dataset, an agency and the dashboard in both
# languages at 390 and 1366 px into OUT/screenshots/ (not committed: for a reviewer to look).
# Exits 1 when a score is under 95. Needs node, npm and Chromium (SALA_CHROMIUM, default
# /usr/bin/chromium); Lighthouse is installed by npm into a cache folder (SALA_BENCH_CACHE,
# default ~/.cache/sala-bench) on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out="${1:-$(mktemp -d "${TMPDIR:-/tmp}/sala-lighthouse.XXXXXX")}"
shift || true
only=("$@")
mkdir -p "$out/lighthouse" "$out/screenshots"
out=$(cd "$out" && pwd)
lighthouse_version=13.5.0
cache="${SALA_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sala-bench}/lighthouse-$lighthouse_version"
export CHROME_PATH="${SALA_CHROMIUM:-/usr/bin/chromium}"
export SALA_CHROMIUM="$CHROME_PATH"

if [ ! -x "$cache/node_modules/.bin/lighthouse" ]; then
  echo "installing lighthouse@$lighthouse_version into $cache"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "lighthouse@$lighthouse_version" >/dev/null
fi
lighthouse="$cache/node_modules/.bin/lighthouse"

echo "building the demo portal into $out/site"
cargo run --quiet --bin sala -- build --root "$repo" --output "$out/site" --lang en >/dev/null

node e2e/static-server.mjs "$out/site" >"$out/server.url" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 300); do [ -s "$out/server.url" ] && break; sleep 0.1; done
[ -s "$out/server.url" ] || { echo "the static server did not start" >&2; exit 1; }
base=$(cat "$out/server.url")
echo "serving it at $base"

# The page types: e2e/pages.json (the same list the browser test checks), Thai and English.
mapfile -t pages < <(node -e '
  const types = require(process.argv[1]).page_types.map((t) => t.path);
  for (const p of types) { console.log(p); console.log(p === "/" ? "/en/" : "/en" + p); }' "$repo/e2e/pages.json")

name() { local n="${1#/}"; n="${n%/}"; n="${n//[\/?=&]/-}"; echo "${n:-home}"; }
# The lowest of a report's four scores (0 when it has none).
lowest() { node -e 'try { const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(Math.min(...Object.values(r.categories).map((c) => Math.round((c.score ?? 0) * 100)))); } catch { console.log(0); }' "$1"; }
# The report of median performance among those given (the others are removed).
median() { node -e '
  const fs = require("fs");
  const runs = process.argv.slice(1).filter((f) => fs.existsSync(f)).map((f) => { try { return [f, JSON.parse(fs.readFileSync(f, "utf8")).categories.performance.score ?? 0]; } catch { return [f, -1]; } });
  runs.sort((a, b) => a[1] - b[1]);
  if (!runs.length) process.exit(0);
  const keep = runs[Math.floor(runs.length / 2)][0];
  for (const [f] of runs) if (f !== keep) fs.rmSync(f, { force: true });
  console.log(keep);' "$@"; }
measure=("${pages[@]}")
[ ${#only[@]} -gt 0 ] && measure=("${only[@]}")
# One run per page and form factor; a run under 95 (performance varies with what else the
# machine does: 2 cores shared) is repeated twice and the median run kept, as Lighthouse's
# documentation advises for variable scores.
for p in "${measure[@]}"; do
  for form in mobile desktop; do
    file="$out/lighthouse/$(name "$p")-$form.json"
    preset=()
    [ "$form" = desktop ] && preset=(--preset=desktop)
    runs=()
    for attempt in 1 2 3; do
      "$lighthouse" "$base$p" --quiet "${preset[@]}" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output-path="$file.$attempt" >/dev/null 2>&1 || echo "lighthouse failed on $p ($form)" >&2
      runs+=("$file.$attempt")
      [ "$(lowest "$file.$attempt")" -ge 95 ] && [ "$attempt" = 1 ] && break
    done
    kept=$(median "${runs[@]}")
    if [ -n "$kept" ]; then mv "$kept" "$file"; else rm -f "$file"; fi
    echo "  $p ($form): ${#runs[@]} run(s), lowest score $(lowest "$file")"
  done
done

# The table: one row per page, phone and desktop scores side by side; then what cost points.
status=0
node - "$out" "${pages[@]}" >"$out/scores.md" <<'EOF' || status=$?
const fs = require('fs');
const [out, ...pages] = process.argv.slice(2);
const cats = ['performance', 'accessibility', 'best-practices', 'seo'];
const name = (p) => p.replace(/^\/|\/$/g, '').replace(/[/?=&]/g, '-') || 'home';
const rows = ['| Page | Phone: perf · a11y · best pr. · SEO | Desktop: perf · a11y · best pr. · SEO |', '|---|---|---|'];
const losses = new Map();
let worst = 100;
for (const p of pages) {
  const cells = ['mobile', 'desktop'].map((form) => {
    let r;
    try { r = JSON.parse(fs.readFileSync(`${out}/lighthouse/${name(p)}-${form}.json`, 'utf8')); } catch { worst = 0; return 'failed'; }
    for (const a of Object.values(r.audits)) {
      if (a.score !== null && a.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode)) {
        const key = `${a.id} (${form})`;
        losses.set(key, (losses.get(key) ?? 0) + 1);
      }
    }
    return cats.map((c) => {
      const s = r.categories[c]?.score;
      const n = s == null ? 0 : Math.round(s * 100);
      worst = Math.min(worst, n);
      return n;
    }).join(' · ');
  });
  rows.push(`| \`${p}\` | ${cells[0]} | ${cells[1]} |`);
}
console.log(rows.join('\n'));
console.log(`\nLowest score: ${worst}.`);
const top = [...losses].sort((a, b) => b[1] - a[1]).slice(0, 12);
if (top.length) console.log('Audits not fully passed (pages): ' + top.map(([k, n]) => `${k} ${n}`).join(', ') + '.');
process.exitCode = worst >= 95 ? 0 : 1;
EOF
node e2e/screenshots.mjs "$base" "$out/screenshots" >/dev/null
cat "$out/scores.md"
echo
echo "Lighthouse reports: $out/lighthouse/"
echo "screenshots:        $out/screenshots/"
exit $status
