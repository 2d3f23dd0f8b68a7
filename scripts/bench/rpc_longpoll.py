#!/usr/bin/env python3
"""New-tip latency through rg-feed rpc's longpoll into rg-fetch (ARCHITECTURE §5 style: a script,
not a unit test). Usage: rpc_longpoll.py BIN_DIR TEMPLATES_FILE [interval_ms]

For each template record in TEMPLATES_FILE (one new tip each: `rg-feed demo --scenario normal`):
write it to rg-feed rpc's stdin, note the time, and wait for rg-fetch's record with that id on its
stdout. The latency is "template handed to the endpoint" → "record readable on rg-fetch's stdout":
the endpoint's parse, the longpoll wake-up and HTTP reply, rg-fetch's parse, its getmempoolinfo
call and its write. Prints p50/p99/max in milliseconds, plus rg-fetch's own received_ms (when the
reply's last byte arrived) minus the send time as a cross-check."""
import json, os, re, subprocess, sys, time

bin_dir, path = sys.argv[1], sys.argv[2]
interval = int(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.2
lines = [l for l in open(path, "rb").read().split(b"\n") if l]
ids = [json.loads(l)["id"] for l in lines]
env = dict(os.environ, RG_RPC_USER="bench", RG_RPC_PASS="bench", RG_LOG_LEVEL="notice")

endpoint = subprocess.Popen([f"{bin_dir}/rg-feed", "rpc", "--listen", "127.0.0.1:0"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
port = None
while port is None:
    line = endpoint.stderr.readline().decode()
    if not line:
        sys.exit("rg-feed rpc did not start")
    m = re.search(r"address=127\.0\.0\.1:(\d+)", line)
    if m:
        port = int(m.group(1))
err_log = open(os.devnull, "w")
fetch = subprocess.Popen([f"{bin_dir}/rg-fetch", "--rpc", f"http://127.0.0.1:{port}"], stdout=subprocess.PIPE,
                         stderr=err_log, env=env)

latency, node_side, seen = [], [], []
try:
    for i, (line, tid) in enumerate(zip(lines, ids)):
        if i:
            time.sleep(interval)
        sent = time.time()
        endpoint.stdin.write(line + b"\n")
        endpoint.stdin.flush()
        while True:
            out = fetch.stdout.readline()
            if not out:
                sys.exit("rg-fetch stopped")
            arrived = time.time()
            record = json.loads(out)
            seen.append(record["id"])
            if record["id"] == tid:
                break
        if i == 0:
            continue  # the first one also measures rg-fetch's start-up and network discovery
        latency.append((arrived - sent) * 1000)
        node_side.append(record["received_ms"] - sent * 1000)
finally:
    fetch.terminate(); fetch.wait()
    endpoint.terminate(); endpoint.wait()

def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]

size = sum(len(l) for l in lines) // len(lines)
print(f"{len(latency)} new tips, {size} bytes per template record, one every {interval * 1000:.0f} ms")
print(f"endpoint stdin -> rg-fetch stdout: p50 {pct(latency, .5):.1f} ms  p99 {pct(latency, .99):.1f} ms  max {max(latency):.1f} ms")
print(f"endpoint stdin -> rg-fetch received_ms (reply fully read): p50 {pct(node_side, .5):.0f} ms  p99 {pct(node_side, .99):.0f} ms  max {max(node_side):.0f} ms")
dups = len(seen) - len(set(seen))
print(f"records from rg-fetch: {len(seen)}, duplicates: {dups}, missing: {len(set(ids) - set(seen))}")
