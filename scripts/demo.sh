#!/usr/bin/env bash
# The README's first command (after apt-get): builds the tools (release) and runs ReserveGrid on
# embedded defaults with no bitcoind.
#   1. the shadow pipeline: a template for every demo scenario judged by config/policy.toml;
#   2. the whole stack for RG_DEMO_DURATION (default 60s) under rg-stack's demo preset:
#      rg-feed demo (regtest) → rg-feed rpc standing in for bitcoind → rg-fetch → rg-verify →
#      rg-gate (inline) ⇄ rg-miner, found blocks → rg-fetch submit → the stand-in node, and the
#      dashboard on http://127.0.0.1:8084 over the same database (var/demo/rg.sqlite);
#   3. the blocks found and what the node said to each.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | grep -v "^\[" || true
bin=$(swift build -c release --show-bin-path)
[ -x "$bin/rg-stack" ] || { echo "the release build failed: run swift build -c release"; exit 1; }

echo
echo "== 1. shadow pipeline: every demo scenario judged by config/policy.toml"
"$bin/rg-feed" demo --scenario cycle --count 22 --interval 0 --seed 1 \
  | "$bin/rg-verify" --policy config/policy.toml --strip \
  | "$bin/rg-stat" summary --table

echo
echo "== 2. the whole stack for ${RG_DEMO_DURATION:-60s} (rg-stack run --preset demo; logs in var/demo/log/)"
rm -rf var/demo/log var/demo/rg.sqlite*
"$bin/rg-stack" run --preset demo --var-dir var/demo --duration "${RG_DEMO_DURATION:-60s}" \
  --demo-interval 3 --status-interval 10 --log-level warning

echo
echo "== 3. blocks found by rg-miner and submitted to the stand-in node"
if grep -q '"type":"submit"' var/demo/log/submit.ndjson 2>/dev/null; then
  grep '"type":"submit"' var/demo/log/submit.ndjson \
    | sed -E 's/.*"hash":"([0-9a-f]{16})[0-9a-f]*".*"height":([0-9]+).*"accepted":(true|false),"result":("[^"]*"|null).*"latency_ms":([0-9]+).*/  block \1… height \2: accepted=\3 reject=\4 (node answered in \5 ms)/'
else
  echo "  none in this run (rg-miner at difficulty 0.0001 finds one every few seconds; try RG_DEMO_DURATION=120s)"
fi
echo "  (as Bitcoin Core does, the stand-in node makes the first valid block on its tip the new tip, and the"
echo "   demo feed builds the next template on it. A block found before the miner's job moves on (up to"
echo "   rg-gate's 2 s stale-hold when the policy rejects the next template) builds on a parent that already"
echo "   has a block: \"inconclusive\", stored but not the best chain — a stale block.)"
echo
echo "Verdicts, templates, shares and blocks are in var/demo/rg.sqlite: rg-stat serve --db var/demo/rg.sqlite,"
echo "after rg-auth init --db var/demo/rg.sqlite creates the first admin."
