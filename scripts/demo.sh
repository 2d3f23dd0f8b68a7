#!/usr/bin/env bash
# The shadow pipeline on embedded defaults, no bitcoind needed: synthetic templates for every
# scenario → verdicts (also recorded in var/rg.sqlite) → a summary table.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build -c release --show-bin-path)
[ -x "$bin/rg-verify" ] || swift build -c release
mkdir -p var
"$bin/rg-feed" demo --scenario cycle --count "${RG_DEMO_COUNT:-22}" --interval "${RG_DEMO_INTERVAL:-250ms}" \
  | "$bin/rg-verify" --policy config/policy.toml --strip \
  | tee var/demo-verdicts.ndjson \
  | "$bin/rg-stat" summary --table
