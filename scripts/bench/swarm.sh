#!/usr/bin/env bash
# rg-gate under an rg-miner swarm, everything over Noise on loopback (issue 6, acceptance 5).
#
#   scripts/bench/swarm.sh [connections] [share_rate] [throughput_connections] [duration]
#   defaults:                10000         150000       200                      20s
#
# 1. hold:  `connections` channels open, no shares. Reports rg-gate's RSS before and with every
#           channel open (RSS delta / connections), then writes a second verdict (a new tip) to
#           rg-gate's stdin and reports fan-out two ways: rg-gate's own (verdict read → the job
#           written to the last channel, from its log) and the swarm's (verdict written → the
#           last channel received SetNewPrevHash, which includes the swarm decrypting 20,000
#           frames on the same cores). Then a third verdict (another new tip) with the swarm's
#           threads at SCHED_IDLE, so they read their jobs only on cores rg-gate leaves idle, as
#           miners on other machines would; and a fourth with the swarm paused (SIGSTOP). Both
#           rg-gate's side only: the gateway's own cost when the miners do not compete for the
#           cores (loopback still runs their sockets' receive work in its context).
# 2. floor: scripts/bench/loopback_floor.py, the same number of bare 173-byte loopback writes from
#           two processes (no crypto, no framing): what this machine's kernel alone needs.
# 3. shares: `throughput_connections` channels submitting `share_rate` shares/s in total for
#           `duration` (trivial target: --min-difficulty 1e-9), accepted shares per second and
#           round-trip p50/p99.
# Release builds; set BUILD=0 to skip building. Prints the swarm records and a summary; asserts
# nothing. The machine is shared by both processes (and anything else running): note its load.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${1:-10000}
RATE=${2:-150000}
TP_CONNECTIONS=${3:-200}
DURATION=${4:-20s}
BIN=${BIN:-.build/release}
if [ "${BUILD:-1}" = 1 ]; then
    for p in rg-gate rg-miner rg-feed rg-verify; do swift build -c release --build-path .build --product $p >/dev/null; done
fi
# One descriptor per connection on both sides, plus the usual few.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((CONNECTIONS + 100)) ]; then
    echo "swarm.sh: open-file limit $(ulimit -n) is below $CONNECTIONS connections; raise the hard limit" >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/rg-swarm-bench.XXXXXX)
GATE_PID=""
cleanup() { [ -n "$GATE_PID" ] && kill "$GATE_PID" 2>/dev/null; exec 3>&- 2>/dev/null || true; }
trap cleanup EXIT

source scripts/bench/gate-bench-lib.sh
make_key_and_verdicts 4
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

echo "== hold: $CONNECTIONS channels, then a new tip" >&2
start_gate hold
sleep 1
RSS0=$(rss_kib "$GATE_PID")
$BIN/rg-miner swarm --connect "127.0.0.1:$PORT" --authority-pubkey "$PUBKEY" --connections "$CONNECTIONS" \
    --share-rate 0 --duration 300s --connect-concurrency 512 --json >"$WORK/hold.json" 2>"$WORK/hold.err" &
SWARM_PID=$!
T0=$(date +%s.%N)
for _ in $(seq 1 3000); do
    [ "$(established)" -ge "$CONNECTIONS" ] && break
    kill -0 $SWARM_PID 2>/dev/null || break
    sleep 0.1
done
T1=$(date +%s.%N)
sleep 2                                     # let the last channels open and settle
RSS1=$(rss_kib "$GATE_PID")
HELD=$(established)
TIP_US=$(date +%s%6N)
cat "$WORK/verdict2.ndjson" >&3
sleep 5
# The swarm's threads at SCHED_IDLE: they run only when rg-gate leaves a core idle, as miners on
# other machines would take none of its CPU; they still hold every connection and read every job.
chrt --all-tasks --idle --pid 0 $SWARM_PID
sleep 0.5
cat "$WORK/verdict3.ndjson" >&3
sleep 3
chrt --all-tasks --other --pid 0 $SWARM_PID
kill -STOP $SWARM_PID
sleep 0.5
cat "$WORK/verdict4.ndjson" >&3
sleep 1
kill -CONT $SWARM_PID
sleep 3
kill -INT $SWARM_PID; wait $SWARM_PID || true
RSS2=$(rss_kib "$GATE_PID")
stop_gate
cat "$WORK/hold.json"
NEW_PREV=$(jq -r .prev_hash "$WORK/verdict2.ndjson")
# rg-gate's own account: arrival of the verdict on its stdin → every job made and queued → the job
# written to the last channel (the log line the gateway writes when the fan-out completes).
NEW_ID=$(jq -r .template_id "$WORK/verdict2.ndjson")
GATE_QUEUED=$(fanout_field hold "$NEW_ID" queued_ms)
GATE_SENT=$(fanout_field hold "$NEW_ID" sent_ms)
GATE_CHANNELS=$(fanout_field hold "$NEW_ID" channels)
jq --arg prev "$NEW_PREV" --argjson tip "$TIP_US" --argjson rss0 "$RSS0" --argjson rss1 "$RSS1" --argjson rss2 "$RSS2" \
   --argjson held "$HELD" --arg connect_s "$(echo "$T1 - $T0" | bc)" -r '
  (.tips[] | select(.prev_hash == $prev)) as $t |
  "held \($held) connections (\(.channels_opened) channels opened in \($connect_s) s, \(.handshakes_per_s) handshakes/s)\n" +
  "rg-gate RSS \($rss0) KiB idle → \($rss1) KiB with all open → \($rss2) KiB after the new tip: \((($rss1 - $rss0) * 1024 / $held) | floor) bytes per connection\n" +
  "new tip: \($t.channels) channels got SetNewPrevHash; first \((($t.first_unix_us - $tip) / 1000 * 10 | floor) / 10) ms, last \((($t.last_unix_us - $tip) / 1000 * 10 | floor) / 10) ms after the verdict was written"' "$WORK/hold.json"
echo "new tip, rg-gate side: verdict read → ${GATE_CHANNELS:-?} jobs made and handed to the event loops after ${GATE_QUEUED:-?} ms → job written to the last channel ${GATE_SENT:-?} ms after the verdict was read"
IDLE_ID=$(jq -r .template_id "$WORK/verdict3.ndjson")
echo "new tip with the swarm at SCHED_IDLE, rg-gate side: jobs handed to the event loops after $(fanout_field hold "$IDLE_ID" queued_ms) ms → job written to the last of $(fanout_field hold "$IDLE_ID" channels) channels $(fanout_field hold "$IDLE_ID" sent_ms) ms after the verdict was read"
PAUSED_ID=$(jq -r .template_id "$WORK/verdict4.ndjson")
echo "new tip with the swarm paused, rg-gate side: jobs handed to the event loops after $(fanout_field hold "$PAUSED_ID" queued_ms) ms → job written to the last of $(fanout_field hold "$PAUSED_ID" channels) channels $(fanout_field hold "$PAUSED_ID" sent_ms) ms after the verdict was read"

echo "== floor: $CONNECTIONS bare loopback writes from two processes" >&2
python3 scripts/bench/loopback_floor.py "$CONNECTIONS" 5 | tee "$WORK/floor.json"
jq -r '"this machine'"'"'s floor: \(.connections) loopback writes of \(.bytes_per_write) bytes from \(.writers) processes take \(.median_ms) ms (median of \(.round_ms | length) rounds: \(.round_ms | map(tostring) | join(", ")) ms)"' "$WORK/floor.json"

echo "== shares: $TP_CONNECTIONS channels at $RATE shares/s for $DURATION" >&2
start_gate shares
$BIN/rg-miner swarm --connect "127.0.0.1:$PORT" --authority-pubkey "$PUBKEY" --connections "$TP_CONNECTIONS" \
    --share-rate "$RATE" --duration "$DURATION" --max-in-flight 64 --json >"$WORK/shares.json" 2>"$WORK/shares.err"
stop_gate
cat "$WORK/shares.json"
jq -r '"accepted \(.accepted) of \(.submitted) sent, \(.rejected) rejected: \(.accepted_per_s) accepted/s end to end; round trip p50 \(.rtt_p50_us) µs, p99 \(.rtt_p99_us) µs"' "$WORK/shares.json"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$WORK"
