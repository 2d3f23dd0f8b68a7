#!/usr/bin/env bash
# Seven new tips to the same held channels, and for each what rg-gate spent on it: its own
# "verdict read → job written to the last channel" (sent_ms), when every job was made and handed
# to the event loops (queued_ms), and its CPU time by thread over the tip (from
# /proc/<pid>/task/*/schedstat, nanosecond counters), which is steadier on a shared VM than a
# single wall-clock figure.
#
#   scripts/bench/fanout-tips.sh [connections]         default 10000
#
#   STOP_SWARM=1   pause the swarm (SIGSTOP) for each tip, so only rg-gate uses the cores
#   IDLE_SWARM=1   run the swarm's threads at SCHED_IDLE: they read their jobs only on cores rg-gate
#                  leaves idle, as miners on other machines would take none of its CPU
#   GATE=path      the rg-gate binary to measure (A/B runs of two builds), default $BIN/rg-gate
#   GATE_ARGS=...  extra `rg-gate serve` flags, e.g. "--threads 3"
#   GATE_CPUS=0    pin rg-gate to these CPUs (taskset), e.g. with GATE_ARGS="--threads 1" for one core
#   PERF=1         also `perf record -g` rg-gate over the seven tips into fanout-tips.perf.data
# Release builds of rg-gate, rg-miner, rg-feed and rg-verify in $BIN (.build/release); asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${1:-10000}
BIN=${BIN:-.build/release}
ulimit -n "$(ulimit -Hn)"
WORK=$(mktemp -d /tmp/rg-tips.XXXXXX)
GATE_PID=""
cleanup() { [ -n "$GATE_PID" ] && kill "$GATE_PID" 2>/dev/null; exec 3>&- 2>/dev/null || true; }
trap cleanup EXIT
source scripts/bench/gate-bench-lib.sh
make_key_and_verdicts 8
start_gate tips
$BIN/rg-miner swarm --connect "127.0.0.1:$PORT" --authority-pubkey "$PUBKEY" --connections "$CONNECTIONS" \
    --share-rate 0 --duration 300s --connect-concurrency 512 --json >"$WORK/hold.json" 2>"$WORK/hold.err" &
SWARM_PID=$!
[ "${IDLE_SWARM:-0}" = 1 ] && chrt --all-tasks --idle --pid 0 $SWARM_PID
for _ in $(seq 1 3000); do
    [ "$(established)" -ge "$CONNECTIONS" ] && break
    sleep 0.1
done
sleep 2
cpu() { for t in /proc/$GATE_PID/task/*; do echo "$(cat $t/comm | tr ' ' _) $(cut -d' ' -f1 $t/schedstat)"; done; }
[ "${PERF:-0}" = 1 ] && { perf record -F 2999 -g -p "$GATE_PID" -o fanout-tips.perf.data 2>"$WORK/perf.err" & PERF_PID=$!; sleep 1; }
for n in 2 3 4 5 6 7 8; do
    [ "${STOP_SWARM:-0}" = 1 ] && kill -STOP $SWARM_PID
    sleep 0.3
    cpu >"$WORK/cpu.before"
    cat "$WORK/verdict$n.ndjson" >&3
    sleep 0.7
    cpu >"$WORK/cpu.after"
    kill -CONT $SWARM_PID
    ID=$(jq -r .template_id "$WORK/verdict$n.ndjson")
    SENT=$(fanout_field tips "$ID" sent_ms)
    QUEUED=$(fanout_field tips "$ID" queued_ms)
    python3 - "$WORK/cpu.before" "$WORK/cpu.after" "$SENT" "$QUEUED" <<'PY'
import sys, collections
def load(p):
    d = collections.Counter()
    for line in open(p):
        name, ns = line.split(); d[name] += int(ns)
    return d
b, a = load(sys.argv[1]), load(sys.argv[2])
delta = {k: (a[k] - b[k]) / 1e6 for k in a if a[k] - b[k] > 1e6}
print(f"sent_ms={sys.argv[3]} queued_ms={sys.argv[4]} cpu_ms={sum(delta.values()):.1f}", " ".join(f"{k}={v:.1f}" for k, v in sorted(delta.items())))
PY
    sleep 1.5
done
[ "${PERF:-0}" = 1 ] && { kill -INT $PERF_PID; wait $PERF_PID || true; }
kill -INT $SWARM_PID; wait $SWARM_PID || true
stop_gate
rm -rf "$WORK"
