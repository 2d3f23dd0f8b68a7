#!/usr/bin/env python3
"""Fills a ReserveGrid store (already migrated by an rg-* tool) for the dashboard benchmark:
N verdicts over 30 days with their template summaries, M shares over 7 days from C channels
(the rollup triggers fire for every share, as they do for the gateway), channels and blocks.
Deterministic (seeded). Usage: fill_dashboard_db.py DB [verdicts] [shares] [channels]"""
import random, sqlite3, sys, time

db, n_verdicts, n_shares, n_channels = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(2026)
now = int(time.time() * 1000)
c = sqlite3.connect(db)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=OFF")
reasons = [None] * 12 + ["avg_fee_below_minimum", "template_too_old", "tip_regressed", "empty_template_rejected", "weight_ratio_exceeded",
                         "sigops_budget_exceeded", "tx_data_mismatch", "total_fees_below_minimum"]
tiers = ["low", "mid", "high"]
checks = '[{"code":"protocol_version","outcome":"pass","value":"2","limit":"2"},{"code":"avg_fee_below_minimum","outcome":"pass","value":"6000","limit":"5000"}]'

start = time.time()
span = 30 * 86_400_000
step = span // max(1, n_verdicts)
batch = []
tbatch = []
height = 880_000
for i in range(n_verdicts):
    ts = now - span + i * step
    if i % 5 == 0:
        height += 1
    reason = rng.choice(reasons)
    tid = "%016x" % (i // 5)
    tx = rng.randint(1, 4000)
    fees = tx * rng.randint(100, 20_000)
    batch.append((tid, "rpc", height, "00" * 32, 0 if reason else 1, reason, reason and ("detail for " + reason), "[]", rng.choice(tiers), "measured",
                  5000, "5f1c0a9e3b7d2c4e", tx, fees, fees // tx, tx * 1000, tx * 1000 / 4e6, tx * 4, 312_500_000 + fees, 500, ts, rng.randint(50, 5000), checks))
    tbatch.append((tid, "rpc", height, "00" * 32, tx, fees, fees // tx, tx * 1000, tx * 4, 312_500_000 + fees, ts, ts, 0 if reason else 1, reason))
    if len(batch) == 50_000:
        c.executemany("""INSERT INTO verdict (template_id, source, height, prev_hash, accepted, reason_code, reason_detail, warnings, fee_tier, tier_source,
            min_avg_fee_used, policy_hash, tx_count, total_fees, avg_fee, weight, weight_ratio, sigops, coinbase_value, age_ms, verified_ms, eval_us, checks)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", batch)
        c.executemany("""INSERT INTO template_summary (template_id, source, height, prev_hash, tx_count, total_fees, avg_fee, weight, sigops, coinbase_value,
            first_seen_ms, last_seen_ms, verdicts, last_accepted, last_reason_code) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)
            ON CONFLICT (template_id) DO UPDATE SET verdicts = verdicts + 1, last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)""", tbatch)
        c.commit()
        batch, tbatch = [], []
if batch:
    c.executemany("""INSERT INTO verdict (template_id, source, height, prev_hash, accepted, reason_code, reason_detail, warnings, fee_tier, tier_source,
        min_avg_fee_used, policy_hash, tx_count, total_fees, avg_fee, weight, weight_ratio, sigops, coinbase_value, age_ms, verified_ms, eval_us, checks)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", batch)
    c.executemany("""INSERT INTO template_summary (template_id, source, height, prev_hash, tx_count, total_fees, avg_fee, weight, sigops, coinbase_value,
        first_seen_ms, last_seen_ms, verdicts, last_accepted, last_reason_code) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)
        ON CONFLICT (template_id) DO UPDATE SET verdicts = verdicts + 1, last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)""", tbatch)
    c.commit()
print("verdicts: %d in %.1f s" % (n_verdicts, time.time() - start), flush=True)

start = time.time()
c.executemany("INSERT INTO channel (channel_id, worker, peer, declared_hashrate, measured_hashrate, opened_ms, closed_ms, updated_ms) VALUES (?,?,?,?,?,?,?,?)",
              [(ch, "worker.%d" % ch, "127.0.0.1:%d" % (20000 + ch), 1.1e14, 1.0e14, now - 8 * 86_400_000, None if ch % 10 else now - 3_600_000, now)
               for ch in range(1, n_channels + 1)])
share_reasons = [None] * 30 + ["share_stale", "share_difficulty_below_target", "share_invalid_job_id", "share_replay_detected"]
span = 7 * 86_400_000
step = span / max(1, n_shares)
batch = []
for i in range(n_shares):
    reason = rng.choice(share_reasons)
    ch = rng.randint(1, n_channels)
    batch.append((now - span + int(i * step), ch, "worker.%d" % ch, i // 1000, 0 if reason else 1, reason, 65536.0, "%064x" % rng.getrandbits(256)))
    if len(batch) == 100_000:
        c.executemany("INSERT INTO share (ts_ms, channel_id, worker, job_id, accepted, reason_code, difficulty, hash) VALUES (?,?,?,?,?,?,?,?)", batch)
        c.commit()
        batch = []
if batch:
    c.executemany("INSERT INTO share (ts_ms, channel_id, worker, job_id, accepted, reason_code, difficulty, hash) VALUES (?,?,?,?,?,?,?,?)", batch)
c.executemany("INSERT INTO block (height, hash, template_id, channel_id, worker, found_ms, submit_result) VALUES (?,?,?,?,?,?,?)",
              [(880_000 + b, "%064x" % rng.getrandbits(256), "%016x" % b, 1 + b % n_channels, "worker.1", now - b * 86_400_000, "accepted") for b in range(5)])
c.commit()
print("shares: %d in %.1f s (%.0f/s with the rollup triggers)" % (n_shares, time.time() - start, n_shares / max(0.001, time.time() - start)), flush=True)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.execute("ANALYZE")
c.close()
