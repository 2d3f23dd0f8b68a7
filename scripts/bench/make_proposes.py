#!/usr/bin/env python3
"""Writes N compact TemplatePropose lines (the reference system's wire shape) for benchmarks:
a mix shaped like its load tester's 'valid' scenario, created_at = now so none is stale."""
import json, random, sys, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(42)
now = int(time.time() * 1000)
out = sys.stdout
for i in range(n):
    out.write(json.dumps({
        "version": 2, "id": i, "block_height": 800_000 + rng.randrange(1_000_000),
        "prev_hash": "%064x" % rng.getrandbits(256), "coinbase_value": 625_000_000 + rng.randrange(50_000),
        "tx_count": 1000 + rng.randrange(4000), "total_fees": 25_000_000 + rng.randrange(5_000_000),
        "observed_weight": None, "created_at_unix_ms": now, "total_sigops": 5000, "coinbase_sigops": 100,
        "template_weight": 3_000_000, "gateway_instance_id": None, "raw_block_hex": None,
    }, separators=(",", ":")))
    out.write("\n")
