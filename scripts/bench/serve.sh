#!/usr/bin/env bash
# rg-verify serve under the reference load tester's heaviest published load (ARCHITECTURE.md §5:
# 100 connections, 2,000 templates/s, p99 < 1 ms, zero drops; the reference claims p99 < 35 ms).
#   scripts/bench/serve.sh [duration=15s]
# Release builds of rg-verify and rg-feed on this machine; the server writes every verdict to
# stdout (a file here, as in production it feeds a pipe) and the load generator runs beside it
# on the same two cores. Runs, each against a freshly started server:
#   1. valid, bare proposes             (the acceptance run)
#   2. valid, --envelope
#   3. mixed (30 % rejections of five kinds)
#   4. valid, --aligned: all 100 connections send at the same instants (bursts of 100)
#   5. valid, with --db (every verdict committed to SQLite before it is printed and answered)
# Each prints the load_report record and its table; the summary line per run is at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15s}
swift build -c release --product rg-verify >/dev/null
swift build -c release --product rg-feed >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_server() {   # extra serve flags…
    : > "$work/serve.log"
    "$bin/rg-verify" serve --policy config/policy.toml --listen 127.0.0.1:0 --http-listen off "$@" \
        > "$work/verdicts.ndjson" 2> "$work/serve.log" &
    server_pid=$!
    for _ in $(seq 1 200); do
        port=$(sed -n 's/.*address=127\.0\.0\.1:\([0-9]*\) service=tcp.*/\1/p' "$work/serve.log" | head -1)
        [ -n "$port" ] && return 0
        sleep 0.05
    done
    echo "rg-verify serve did not start:"; cat "$work/serve.log"; exit 1
}

stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || { echo "rg-verify serve exited with $?"; cat "$work/serve.log"; exit 1; }
    server_pid=
    echo "  server wrote $(wc -l < "$work/verdicts.ndjson") verdict records to stdout"
}

summary=()
run() {   # name, load flags…
    local name=$1; shift
    echo "== $name"
    "$bin/rg-feed" load --target "127.0.0.1:$port" --connections 100 --rate 2000 --duration "$duration" --json "$@" \
        > "$work/report.json" 2> "$work/load.err" || { cat "$work/load.err"; echo "load run failed"; exit 1; }
    cat "$work/load.err"
    cat "$work/report.json"
    summary+=("$(python3 - "$name" "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
l = r["latency_us"]
print(f'{sys.argv[1]:<34} sent {r["sent"]:>6}  drops {r["drops"]}  p50 {l["p50"]/1000:.3f} ms  p90 {l["p90"]/1000:.3f}  '
      f'p99 {l["p99"]/1000:.3f}  p99.9 {l["p99_9"]/1000:.3f}  max {l["max"]/1000:.3f}  ({r["sent_per_second"]}/s)')
PY
)")
}

start_server; run "valid (bare)" --scenario valid; stop_server
start_server; run "valid --envelope" --scenario valid --envelope; stop_server
start_server; run "mixed" --scenario mixed; stop_server
start_server; run "valid --aligned (bursts of 100)" --scenario valid --aligned; stop_server
start_server --db "$work/bench.sqlite"; run "valid, serve --db" --scenario valid; stop_server

echo
echo "100 connections, 2,000 templates/s, $duration each (target: p99 < 1 ms, zero drops):"
printf '%s\n' "${summary[@]}"
