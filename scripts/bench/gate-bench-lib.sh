# Shared by swarm.sh and fanout-tips.sh; sourced once BIN, WORK and CONNECTIONS are set.
# GATE picks the rg-gate binary (default $BIN/rg-gate), for A/B runs of two builds; GATE_ARGS adds
# `rg-gate serve` flags (e.g. "--threads 3"); GATE_CPUS pins `rg-gate serve` and every thread it
# starts to those CPUs (taskset list, e.g. "0").
GATE=${GATE:-$BIN/rg-gate}
GATE_PID=""

# An authority key (PUBKEY) and COUNT verified mainnet templates: a real network target, so no
# share is a block, and each template builds on the block found on the one before, so each is
# a new tip. Verdict n is in $WORK/verdict<n>.ndjson.
make_key_and_verdicts() {
    "$GATE" keygen --output "$WORK/authority.key" >"$WORK/key.json"
    PUBKEY=$(jq -r .public_key_hex "$WORK/key.json")
    "$BIN/rg-feed" demo --scenario normal --count "$1" --seed 11 --txs 500 >"$WORK/templates.ndjson"
    "$BIN/rg-verify" --policy config/policy.toml <"$WORK/templates.ndjson" >"$WORK/verdicts.ndjson" 2>/dev/null
    for n in $(seq 1 "$1"); do sed -n "${n}p" "$WORK/verdicts.ndjson" >"$WORK/verdict$n.ndjson"; done
}

# start_gate NAME: rg-gate reading verdicts from fd 3, logs in $WORK/gate.NAME.{out,err}; returns
# once it listens (PORT) and has issued the job of verdict 1.
start_gate() {
    mkfifo "$WORK/gate.in.$1"
    ${GATE_CPUS:+taskset -c "$GATE_CPUS"} "$GATE" serve --listen 127.0.0.1:0 --http-listen off --authority-key "$WORK/authority.key" \
        --network mainnet --payout bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv --mode inline \
        --min-difficulty 1e-9 --default-difficulty 1e-9 --vardiff-rate 0 --share-rate-limit 0 \
        --max-connections $((CONNECTIONS + 1000)) --snapshot-interval 0 ${GATE_ARGS:-} \
        <"$WORK/gate.in.$1" >"$WORK/gate.$1.out" 2>"$WORK/gate.$1.err" &
    GATE_PID=$!
    exec 3>"$WORK/gate.in.$1"
    cat "$WORK/verdict1.ndjson" >&3
    for _ in $(seq 1 600); do
        PORT=$(grep -o 'listening for miners on 127.0.0.1:[0-9]*' "$WORK/gate.$1.err" | grep -o '[0-9]*$' || true)
        [ -n "$PORT" ] && grep -q '"type":"job"' "$WORK/gate.$1.out" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "rg-gate did not start" >&2; cat "$WORK/gate.$1.err" >&2; exit 1
}
stop_gate() { exec 3>&-; kill -TERM "$GATE_PID"; wait "$GATE_PID" 2>/dev/null || true; GATE_PID=""; }
established() { ss -Htn state established "( sport = :$PORT )" | wc -l; }

# fanout_field NAME TEMPLATE_ID FIELD: a field of rg-gate's "job sent to every channel" log line.
fanout_field() {
    grep "job sent to every channel" "$WORK/gate.$1.err" | grep "template.id=$2" | tail -1 | grep -o "$3=[0-9]*" | cut -d= -f2 || true
}
