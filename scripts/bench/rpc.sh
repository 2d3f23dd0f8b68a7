#!/usr/bin/env bash
# rg-feed rpc + rg-fetch: new-tip latency through longpoll, and the acceptance pipeline.
#   scripts/bench/rpc.sh [tips=120] [txs=2000] [pipeline_count=60]
# 1. Latency: 1 + tips new-tip templates (`rg-feed demo --scenario normal`, txs transactions
#    each) handed to rg-feed rpc one every 200 ms; the time until rg-fetch (longpolling) writes
#    each one's record (scripts/bench/rpc_longpoll.py). Target: < 50 ms.
# 2. The acceptance pipeline, literally:
#      rg-feed demo --seed 1 --interval 200ms | rg-feed rpc --listen 127.0.0.1:PORT
#      rg-fetch --rpc http://127.0.0.1:PORT | rg-verify --policy config/policy.toml
#    with --count pipeline_count: every demo id gets exactly one verdict, in order.
set -euo pipefail
cd "$(dirname "$0")/../.."
tips=${1:-120}
txs=${2:-2000}
count=${3:-60}
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$bin/rg-feed" demo --scenario normal --txs "$txs" --count "$((tips + 1))" --interval 0 --seed 1 > "$work/tips.ndjson"
python3 scripts/bench/rpc_longpoll.py "$bin" "$work/tips.ndjson" 200

export RG_RPC_USER=u RG_RPC_PASS=p
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkfifo "$work/demo.out" "$work/fetch.out"
exec 3<>"$work/demo.out"           # held open: rg-feed rpc starts now and never sees EOF
"$bin/rg-feed" rpc --listen "127.0.0.1:$port" < "$work/demo.out" 2>"$work/rpc.log" &
rpc_pid=$!; pids+=("$rpc_pid")
until grep -qs listening "$work/rpc.log"; do sleep 0.05; done
"$bin/rg-fetch" --rpc "http://127.0.0.1:$port" > "$work/fetch.out" 2>"$work/fetch.log" &
fetch_pid=$!; pids+=("$fetch_pid")
tee "$work/fetched.ndjson" < "$work/fetch.out" | "$bin/rg-verify" --policy config/policy.toml --strip > "$work/verdicts.ndjson" 2>"$work/verify.log" &
verify_pid=$!
# rg-fetch is connected once it has heard "no template yet" (-28); then the demo starts.
until grep -qs "no template yet" "$work/fetch.log"; do sleep 0.05; done
"$bin/rg-feed" demo --seed 1 --interval 200ms --count "$count" | tee "$work/demo.ndjson" >&3 &
for _ in $(seq 1 1200); do
    [ -s "$work/verdicts.ndjson" ] && [ "$(wc -l < "$work/verdicts.ndjson")" -ge "$count" ] && break
    sleep 0.1
done
kill -TERM "$fetch_pid"; wait "$fetch_pid" || true
wait "$verify_pid" || true
kill -TERM "$rpc_pid"; wait "$rpc_pid" || true
python3 - "$work/demo.ndjson" "$work/fetched.ndjson" "$work/verdicts.ndjson" <<'PY'
import json, sys, collections
demo = [json.loads(l)["id"] for l in open(sys.argv[1])]
fetched = [json.loads(l)["id"] for l in open(sys.argv[2])]
verdicts = [json.loads(l) for l in open(sys.argv[3])]
ids = [v["template_id"] for v in verdicts]
dups = [i for i, n in collections.Counter(ids).items() if n > 1]
print(f"pipeline: demo {len(demo)} templates, rg-fetch {len(fetched)} records, rg-verify {len(ids)} verdicts; "
      f"same ids in order: {ids == demo}; duplicates: {len(dups)}")
reasons = collections.Counter(v["reason_code"] or "accepted" for v in verdicts)
print("verdicts:", dict(reasons))
PY
