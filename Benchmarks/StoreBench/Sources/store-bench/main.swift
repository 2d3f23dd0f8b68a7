#if canImport(Glibc)
import Glibc
#endif
import RGKit

// store-bench PATH [COUNT] [BATCH]
// Fills a fresh database at PATH with COUNT verdicts in batches of BATCH and times the store's
// operations. Prints one line per figure. The file is left in place for `rg-stat export`.

func seconds(_ body: () throws -> Void) rethrows -> Double {
    var a = timespec(), b = timespec()
    clock_gettime(CLOCK_MONOTONIC, &a)
    try body()
    clock_gettime(CLOCK_MONOTONIC, &b)
    return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9
}

func f(_ value: Double, _ digits: Int) -> String { FixedDecimal.format(value, fractionDigits: digits) ?? "?" }

func verdict(_ i: Int, base: Int64) -> VerdictRecord {
    let reasons: [String?] = [nil, nil, nil, "avg_fee_below_minimum", nil, "template_too_old", nil, "weight_ratio_exceeded"]
    let reason = reasons[i % reasons.count]
    let id = String(UInt64(0xa000_0000_0000_0000) + UInt64(i), radix: 16)
    return VerdictRecord(
        templateID: id, source: "rpc", height: 890_000 + Int64(i / 30), prevHash: String(repeating: "ab", count: 32),
        accepted: reason == nil, reasonCode: reason, reasonDetail: reason.map { "\($0): value 4999 below limit 5000" },
        warnings: i % 10 == 0 ? [.make(code: "sigops_budget_exceeded", detail: "sigops 79000 of 80000")] : [],
        feeTier: ["low", "mid", "high"][i % 3], tierSource: i % 7 == 0 ? "fallback" : "measured", minAvgFeeUsed: 5_000,
        policyHash: "5f1c0a9e3b7d2c4e", txCount: 3_000 + Int64(i % 1_000), totalFees: 20_000_000 + Int64(i), avgFee: 6_000,
        weight: 3_990_000, weightRatio: 0.9975, sigops: 20_000, coinbaseValue: 332_500_000, ageMs: Int64(i % 3_000),
        verifiedMs: base + Int64(i) * 1_000, evalUs: Int64(150 + (i &* 7919) % 4_000))
}

let args = CommandLine.arguments
guard args.count >= 2 else { print("usage: store-bench PATH [COUNT] [BATCH]"); exit(2) }
let path = args[1]
let count = args.count > 2 ? Int(args[2])! : 100_000
let batch = args.count > 3 ? Int(args[3])! : 1_000
let base: Int64 = 1_764_000_000_000
for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }

do {
    let store = VerdictStore(try RGDatabase(path: path))
    let records = (0..<count).map { NewVerdict(verdict($0, base: base)) }

    let batched = try seconds {
        var i = 0
        while i < records.count {
            try store.insert(contentsOf: Array(records[i ..< min(i + batch, records.count)]))
            i += batch
        }
    }
    print("insert batched: \(count) verdicts, \(batch) per transaction: \(f(batched, 2)) s = \(Int(Double(count) / batched)) verdicts/s")

    let singles = min(10_000, count)
    let one = try seconds {
        for i in 0..<singles { try store.insert(NewVerdict(verdict(count + i, base: base + Int64(count) * 1_000))) }
    }
    print("insert single (one commit each, the rg-verify --db path): \(singles) verdicts: \(f(one, 2)) s = \(Int(Double(singles) / one)) verdicts/s")

    let total = count + singles
    var page = VerdictPage(verdicts: [], next: nil)
    let mid = base + Int64(total / 2) * 1_000
    let pageTime = try seconds { page = try store.page(VerdictFilter(sinceMs: mid, untilMs: mid + 3_600_000), limit: 100) }
    print("page of 100 in a 1 h range mid-table: \(f(pageTime * 1_000, 1)) ms (\(page.verdicts.count) rows)")
    let reasonTime = try seconds { page = try store.page(VerdictFilter(sinceMs: mid, reasonCode: "template_too_old"), limit: 100) }
    print("page of 100 by reason from mid-table: \(f(reasonTime * 1_000, 1)) ms")
    var summary = VerdictSummary()
    let hour = try seconds { summary = try store.summary(VerdictFilter(sinceMs: mid, untilMs: mid + 3_600_000)) }
    print("summary of a 1 h range (\(summary.total) verdicts): \(f(hour * 1_000, 1)) ms")
    let day = try seconds { summary = try store.summary(VerdictFilter(sinceMs: mid, untilMs: mid + 86_400_000)) }
    print("summary of a 24 h range (\(summary.total) verdicts): \(f(day * 1_000, 1)) ms")
    let whole = try seconds { summary = try store.summary() }
    print("summary of the whole table (\(summary.total) verdicts): \(f(whole * 1_000, 1)) ms; p50 \(summary.latency!.p50) p99 \(summary.latency!.p99)")
    var rows = 0
    var bytes = 0
    let scan = try seconds {
        try store.forEach(.all) { v in
            rows += 1
            bytes += VerdictCSV.row(v.record).utf8.count + 1
        }
    }
    print("read + CSV-format every row in memory: \(rows) rows, \(bytes) bytes: \(f(scan, 2)) s")
} catch {
    print("store-bench: \(error)")
    exit(1)
}
