#!/usr/bin/env bash
# rg-verify throughput and eval latency (ARCHITECTURE.md §5, issue: foundation acceptance 7).
#   scripts/bench/verify.sh [templates=200] [proposes=1000000]
# 1. Mainnet-size templates: rg-feed demo with 4,000 real transactions each (~2.6 MB lines),
#    written to a file first so the generator does not compete for the CPU, then
#    `cat file | rg-verify > /dev/null` (verdicts carry the template: ~2.6 MB out per record).
# 2. The same with --strip, piped into rg-stat summary for the eval_us percentiles.
# 3. Compact TemplatePropose records (the reference wire shape), 1,000,000 of them.
set -euo pipefail
cd "$(dirname "$0")/../.."
templates=${1:-200}
proposes=${2:-1000000}
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/rg-feed" demo --scenario normal --txs 4000 --count "$templates" --interval 0 --seed 1 > "$work/templates.ndjson"
bytes=$(stat -c %s "$work/templates.ndjson")
echo "input: $templates templates, $((bytes / 1048576)) MiB, $((bytes / templates)) bytes per line"

start=$(date +%s.%N)
cat "$work/templates.ndjson" | "$bin/rg-verify" --policy config/policy.toml 2>/dev/null > /dev/null
end=$(date +%s.%N)
python3 - "$start" "$end" "$templates" "$bytes" <<'PY'
import sys
s, e, n, b = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"full verdicts: {n / (e - s):.1f} templates/s, {b / (e - s) / 1e6:.0f} MB/s of JSON in ({e - s:.2f} s)")
PY

start=$(date +%s.%N)
cat "$work/templates.ndjson" | "$bin/rg-verify" --policy config/policy.toml --strip 2>/dev/null > "$work/verdicts.ndjson"
end=$(date +%s.%N)
python3 - "$start" "$end" "$templates" "$work/verdicts.ndjson" <<'PY'
import sys, json
s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
us = sorted(json.loads(l)["eval_us"] for l in open(sys.argv[4]))
p = lambda q: us[min(len(us) - 1, int(q * len(us)))]
print(f"--strip: {n / (e - s):.1f} templates/s; eval_us p50 {p(0.5)} p99 {p(0.99)} max {us[-1]} ({len(us)} verdicts)")
PY

python3 scripts/bench/make_proposes.py "$proposes" > "$work/proposes.ndjson"
start=$(date +%s.%N)
"$bin/rg-verify" --policy config/policy.toml --strip < "$work/proposes.ndjson" 2>/dev/null > "$work/compact.ndjson"
end=$(date +%s.%N)
python3 - "$start" "$end" "$proposes" "$work/compact.ndjson" <<'PY'
import sys, json
s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
lines = open(sys.argv[4]).readlines()
us = sorted(json.loads(l)["eval_us"] for l in lines[::10])
p = lambda q: us[min(len(us) - 1, int(q * len(us)))]
print(f"compact TemplatePropose: {n / (e - s):,.0f} records/s ({len(lines)} verdicts in {e - s:.2f} s); eval_us p50 {p(0.5)} p99 {p(0.99)}")
PY
