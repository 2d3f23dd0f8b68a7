import Foundation
import RGKit
import Testing

/// `rg-stat` run as a real process: stdin/stdout pipes, exit statuses, files on disk.
@Suite(.timeLimit(.minutes(10))) struct RGStatTests {
    static let base: Int64 = 1_764_000_000_000           // 2025-11-24T16:00:00Z

    static func verdict(_ i: Int) -> VerdictRecord {
        let reasons: [String?] = [nil, "avg_fee_below_minimum", nil, "template_too_old", nil, "empty_template_rejected"]
        let reason = reasons[i % reasons.count]
        return VerdictRecord(
            templateID: String(format: "%016llx", 0xfeed_0000 + UInt64(i)), source: "rpc", height: 890_000 + Int64(i),
            prevHash: String(repeating: "ab", count: 32), accepted: reason == nil, reasonCode: reason,
            reasonDetail: reason.map { "\($0): detail, with \"quotes\"" },
            warnings: i % 4 == 0 ? [.make(code: "template_too_old", detail: "age 31000 ms")] : [],
            feeTier: ["low", "mid", "high"][i % 3], tierSource: i % 5 == 0 ? "fallback" : "measured", minAvgFeeUsed: 5_000,
            policyHash: "5f1c0a9e3b7d2c4e", txCount: 2_000, totalFees: 20_000_000, avgFee: 10_000, weight: 3_900_000,
            weightRatio: 0.975, sigops: 8_000, coinbaseValue: 332_500_000, ageMs: 800,
            verifiedMs: base + Int64(i) * 1_000, evalUs: Int64(100 + (i * 37) % 900))
    }

    /// A template record about the size of a mainnet one (~2.8 MB).
    static let bigTemplate: [UInt8] = {
        let tx = #"{"data":""# + String(repeating: "0200000001", count: 64) + #"","txid":""# + String(repeating: "cd", count: 32) + #"","fee":1234,"weight":2800}"#
        return Array((#"{"type":"template","id":"feed0000","source":"rpc","received_ms":1764000000000,"mempool":null,"gbt":{"transactions":["#
            + Array(repeating: tx, count: 4_000).joined(separator: ",") + "]}}").utf8)
    }()

    static func line(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) + "\n" }

    /// A database in a fresh directory holding `count` verdicts, one a second from `base`.
    static func database(count: Int) throws -> (dir: String, db: String, records: [VerdictRecord]) {
        let dir = NSTemporaryDirectory() + "rg-stat-e2e-" + UUID().uuidString
        let db = dir + "/var/rg.sqlite"
        let records = (0..<count).map(verdict)
        let store = VerdictStore(try RGDatabase(path: db))
        try store.insert(contentsOf: records.map { NewVerdict($0) })
        return (dir, db, records)
    }

    // MARK: summary

    @Test func summaryCountsAStreamReportsTheBadLineAndExitsThree() throws {
        var input = ""
        input += Self.line(Self.verdict(0).encoded(template: Self.bigTemplate[...]))
        input += Self.line(Self.verdict(1).encoded())
        input += #"{"type":"share","channel_id":7,"accepted":true}"# + "\n"
        input += "this is not json\n"
        input += Self.line(Self.verdict(2).encoded(template: Self.bigTemplate[...]))
        input += Self.line(Self.verdict(3).encoded())
        let result = try Tool.run("rg-stat", ["summary"], stdin: Data(input.utf8))
        #expect(result.status == 3)
        #expect(result.errLines.count == 1)
        #expect(result.errLines.first?.hasPrefix("rg-stat: line 4: invalid_json") == true)
        let record = try JSONDocument(bytes: Array(result.stdout.dropLast())).root
        #expect(result.out.hasSuffix("}\n") && result.out.filter { $0 == "\n" }.count == 1)
        #expect(record["type"]?.string == "summary")
        #expect(record["total"]?.int64 == 4)
        #expect(record["accepted"]?.int64 == 2)
        #expect(record["by_reason"]?["avg_fee_below_minimum"]?.int64 == 1)
        #expect(record["records_by_type"]?["share"]?.int64 == 1)
        #expect(record["bad_lines"]?.int64 == 1)
    }

    @Test func jsonSummaryHasTheDocumentedFieldsInOrder() throws {
        let input = (0..<30).map { Self.line(Self.verdict($0).encoded()) }.joined()
        let result = try Tool.run("rg-stat", ["summary", "--json"], stdin: Data(input.utf8))
        #expect(result.status == 0)
        #expect(result.err.isEmpty)
        let root = try JSONDocument(bytes: Array(result.stdout.dropLast())).root
        #expect(root.members.map { $0.0.string } == [
            "type", "total", "accepted", "rejected", "by_reason", "by_tier", "by_tier_source", "by_warning", "eval_us",
            "first_verified_ms", "last_verified_ms", "since_ms", "until_ms", "records_by_type", "bad_lines",
        ])
        #expect(root["eval_us"]?.members.map { $0.0.string } == ["p50", "p99", "max"])
        var expected = VerdictSummary()
        (0..<30).forEach { expected.add(Self.verdict($0)) }
        #expect(Array(result.stdout) == expected.encoded() + [0x0A])
    }

    @Test func aTableOnlyWhenAskedForOffATerminal() throws {
        let input = Data(Self.line(Self.verdict(1).encoded()).utf8)
        let table = try Tool.run("rg-stat", ["summary", "--table"], stdin: input)
        #expect(table.status == 0)
        #expect(table.out.hasPrefix("verdicts"))
        #expect(table.out.contains("avg_fee_below_minimum"))
        let both = try Tool.run("rg-stat", ["summary", "--table", "--json"], stdin: input)
        #expect(both.status == 2)
    }

    @Test func strictStopsAtTheFirstBadLine() throws {
        let input = Self.line(Self.verdict(0).encoded()) + "{\"no_type\":1}\n" + "garbage\n" + Self.line(Self.verdict(1).encoded())
        let result = try Tool.run("rg-stat", ["summary", "--strict"], stdin: Data(input.utf8))
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.errLines.first?.contains("line 2: invalid_record: missing \"type\"") == true)
        #expect(!result.err.contains("line 3"))
    }

    @Test func anOversizedLineIsSkippedAndTheStreamGoesOn() throws {
        let huge = Self.line(Self.verdict(0).encoded(template: Self.bigTemplate[...]))
        let input = huge + Self.line(Self.verdict(1).encoded()) + huge + Self.line(Self.verdict(3).encoded())
        let result = try Tool.run("rg-stat", ["summary", "--max-line-bytes", "65536"], stdin: Data(input.utf8))
        #expect(result.status == 3)
        #expect(result.errLines.count == 2)
        #expect(result.errLines.first?.contains("line 1: line_too_long") == true)
        #expect(result.errLines.last?.contains("line 3: line_too_long") == true)
        let root = try JSONDocument(bytes: Array(result.stdout.dropLast())).root
        #expect(root["total"]?.int64 == 2 && root["bad_lines"]?.int64 == 2)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsReadingAndStillPrintsTheSummary(_ signal: Int32) throws {
        let running = try Tool.start("rg-stat", ["summary", "--json"])
        for i in 0..<3 { running.write(Self.line(Self.verdict(i).encoded())) }
        Thread.sleep(forTimeInterval: 0.5)                  // let it read; stdin stays open
        kill(running.process.processIdentifier, signal)
        let result = running.wait()
        #expect(result.status == 0)
        let root = try JSONDocument(bytes: Array(result.stdout.dropLast())).root
        #expect(root["type"]?.string == "summary")
        #expect((0...3).contains(root["total"]?.int64 ?? -1))
    }

    @Test func summaryOfTheStoreCoversTheWholeDatabaseOrARange() throws {
        let (dir, db, records) = try Self.database(count: 120)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = try Tool.run("rg-stat", ["summary", "--db", db])
        #expect(whole.status == 0)
        var expected = VerdictSummary()
        records.forEach { expected.add($0) }
        #expect(Array(whole.stdout) == expected.encoded() + [0x0A])

        let ranged = try Tool.run("rg-stat", ["summary", "--db", db, "--since", "\(Self.base + 10_000)", "--until", "2025-11-24T16:00:20Z"])
        let root = try JSONDocument(bytes: Array(ranged.stdout.dropLast())).root
        #expect(root["total"]?.int64 == 10)
        #expect(root["since_ms"]?.int64 == Self.base + 10_000 && root["until_ms"]?.int64 == Self.base + 20_000)
    }

    // MARK: export

    @Test func csvExportToAFileIsCompleteAtomicAndReproducible() throws {
        let (dir, db, records) = try Self.database(count: 500)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/exports/verdicts.csv"
        try FileManager.default.createDirectory(atPath: dir + "/exports", withIntermediateDirectories: true)
        try Data("previous export\n".utf8).write(to: URL(fileURLWithPath: out))
        let args = ["export", "--db", db, "verdicts", "--format", "csv", "--since", "\(Self.base + 100_000)",
                    "--until", "2025-11-24T16:05:00Z", "--output", out]

        let first = try Tool.run("rg-stat", args)
        #expect(first.status == 0)
        #expect(first.stdout.isEmpty && first.err.isEmpty)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        let expected = VerdictCSV.header + "\n" + records[100..<300].map { VerdictCSV.row($0) + "\n" }.joined()
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/exports") == ["verdicts.csv"])   // no temp left

        let second = try Tool.run("rg-stat", args)
        #expect(second.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == bytes)
    }

    @Test func ndjsonExportIsTheStoredRecordsToStdoutOrAFile() throws {
        let (dir, db, records) = try Self.database(count: 50)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // RG_DB stands in for --db; --since 3650d reaches back past every row.
        let stdout = try Tool.run("rg-stat", ["export", "verdicts", "--format", "ndjson", "--since", "3650d"], env: ["RG_DB": db])
        #expect(stdout.status == 0)
        let lines = stdout.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 50)
        for (line, record) in zip(lines, records) {
            #expect(Array(line.utf8) == record.encoded())
            #expect(try VerdictRecord(json: JSONDocument(String(line)).root) == record)
        }
        let file = dir + "/v.ndjson"
        let toFile = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--since", "0", "--output", file])
        #expect(toFile.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == stdout.stdout)

        let filtered = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--since", "0", "--reason-code", "template_too_old"])
        #expect(filtered.out.split(separator: "\n").count == records.filter { $0.reasonCode == "template_too_old" }.count)
    }

    @Test func badExportArgumentsAreUsageErrorsAndTouchNothing() throws {
        let (dir, db, _) = try Self.database(count: 5)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try Tool.run("rg-stat", ["export", "--db", dir + "/nope.sqlite", "verdicts", "--since", "24h"])
        #expect(missing.status == 2)
        #expect(missing.err.contains(dir + "/nope.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/nope.sqlite"))

        let seconds = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--since", "1764000000"])
        #expect(seconds.status == 2 && seconds.err.contains("looks like Unix seconds"))
        let backwards = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--since", "1h", "--until", "2h"])
        #expect(backwards.status == 2 && backwards.err.contains("is after --until"))
        let noTable = try Tool.run("rg-stat", ["export", "--db", db, "shares", "--since", "1h"])
        #expect(noTable.status == 2)
        let noDir = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--since", "0", "--output", dir + "/missing/dir/x.csv"])
        #expect(noDir.status == 2 && noDir.err.contains("--output"))
        let notADatabase = dir + "/junk.sqlite"
        try Data(String(repeating: "junk", count: 1_000).utf8).write(to: URL(fileURLWithPath: notADatabase))
        let junk = try Tool.run("rg-stat", ["export", "--db", notADatabase, "verdicts", "--since", "0"])
        #expect(junk.status == 2 && junk.err.contains(notADatabase))
    }
}
