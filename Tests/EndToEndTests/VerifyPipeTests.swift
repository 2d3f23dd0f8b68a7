import Foundation
import Testing
@testable import RGKit

/// rg-feed demo | rg-verify | rg-stat with the real binaries.
@Suite(.serialized) struct VerifyPipeTests {
    static let expectedCycle: [String?] = [
        nil, "avg_fee_below_minimum", "sigops_budget_exceeded", "empty_template_rejected", "coinbase_value_zero_rejected",
        "weight_ratio_exceeded", "avg_fee_below_minimum", "tip_regressed", "template_too_old", "tx_data_mismatch", nil,
    ]

    func demo(_ extra: [String] = []) throws -> Data {
        let result = try Tool.run("rg-feed", ["demo", "--scenario", "cycle", "--seed", "7", "--count", "11", "--interval", "0", "--txs", "300"] + extra)
        #expect(result.status == 0, "\(result.err)")
        return result.stdout
    }

    func verdicts(_ data: Data) throws -> [JSONValue] {
        try data.split(separator: 0x0A).map { try JSONDocument(bytes: [UInt8]($0)).root }
    }

    /// A verdict without its timing fields (and without the template, whose times move too).
    func timeless(_ v: JSONValue) -> String {
        var parts: [String] = []
        for key in ["template_id", "height", "prev_hash", "accepted", "reason_code", "fee_tier", "tier_source", "policy_hash"] {
            parts.append("\(key)=\(v[key].map { String(decoding: $0.rawBytes, as: UTF8.self) } ?? "-")")
        }
        if let stats = v["stats"] {
            for (key, value) in stats.members where key.string != "age_ms" { parts.append("\(key.string)=\(String(decoding: value.rawBytes, as: UTF8.self))") }
        }
        if v["reason_code"]?.string != "template_too_old" { parts.append("detail=\(v["reason_detail"]?.string ?? "")") }
        return parts.joined(separator: " ")
    }

    @Test func theCycleGivesEachScenarioItsVerdictAndRunsAreIdenticalApartFromTiming() throws {
        var runs: [[String]] = []
        for _ in 0..<2 {
            let verify = try Tool.run("rg-verify", ["--policy", Repository.examplePolicy], stdin: try demo())
            #expect(verify.status == 0, "\(verify.err)")
            let list = try verdicts(verify.stdout)
            #expect(list.map { $0["reason_code"]?.string } == Self.expectedCycle)
            #expect(list.allSatisfy { $0["template"]?["type"]?.string == "template" })
            runs.append(list.map(timeless))
        }
        #expect(runs[0] == runs[1])
        // The summary over the same stream counts the same outcomes.
        let verify = try Tool.run("rg-verify", ["--policy", Repository.examplePolicy, "--strip"], stdin: try demo())
        let summary = try Tool.run("rg-stat", ["summary", "--json"], stdin: verify.stdout)
        let s = try JSONDocument(bytes: [UInt8](summary.stdout)).root
        #expect(s["total"]?.int64 == 11 && s["accepted"]?.int64 == 2 && s["rejected"]?.int64 == 9)
        #expect(s["by_reason"]?["avg_fee_below_minimum"]?.int64 == 2)
    }

    @Test func demoOutputIsByteForByteReproducibleWithSeedAndStartTime() throws {
        let a = try demo(["--start-time", "1764072000000"])
        let b = try demo(["--start-time", "1764072000000"])
        #expect(a == b)
        #expect(a.count > 100_000)
    }

    @Test func badLinesAreReportedOnceEachWhileEveryValidTemplateGetsItsVerdict() throws {
        let templates = try demo().split(separator: 0x0A).map { [UInt8]($0) }
        let tool = try InteractiveTool("rg-verify", ["--policy", Repository.examplePolicy, "--strip"])
        let huge = Array(#"{"type":"template","pad":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 40 << 20) + Array(#""}"#.utf8)
        tool.send(templates[0])
        let firstVerdict = tool.readLine()
        let baseline = tool.peakRSSBytes ?? 0
        tool.send(Array(templates[1].prefix(5_000)))                               // truncated
        tool.send(Array("this is not json".utf8))                                   // not JSON
        tool.send(Array(#"{"type":"template","id":"x","source":"demo","received_ms":"soon","gbt":{}}"#.utf8))  // wrong type
        tool.send(huge)                                                              // 40 MB line
        tool.send(templates[9])
        var lines: [[UInt8]] = firstVerdict.map { [$0] } ?? []
        if let line = tool.readLine() { lines.append(line) }
        let peak = tool.peakRSSBytes ?? 0
        let status = tool.finish()
        #expect(status == 3)
        let ids = try lines.map { try JSONDocument(bytes: $0).root["template_id"]?.string }
        let expected = try [templates[0], templates[9]].map { try JSONDocument(bytes: $0).root["id"]?.string }
        #expect(ids == expected)
        let diagnostics = tool.stderr.split(separator: "\n").filter { $0.hasPrefix("rg-verify: line ") }
        #expect(diagnostics.count == 4, "\(diagnostics)")
        #expect(diagnostics.contains { $0.hasPrefix("rg-verify: line 2: truncated_json") })
        #expect(diagnostics.contains { $0.hasPrefix("rg-verify: line 3: invalid_json") })
        #expect(diagnostics.contains { $0.hasPrefix("rg-verify: line 4: invalid_record") && $0.contains("received_ms") })
        #expect(diagnostics.contains { $0.hasPrefix("rg-verify: line 5: line_too_long") })
        // With the default 32 MiB limit the reader holds at most the limit plus a chunk or two.
        #expect(peak > 0 && peak < baseline + (48 << 20), "peak RSS \(peak >> 20) MiB, before the long line \(baseline >> 20) MiB")
    }

    /// Memory follows the limit, not the line: a 200 MB line under a 1 MiB limit costs a few MiB.
    @Test func anOversizedLineIsSkippedWithoutBeingHeld() throws {
        let tool = try InteractiveTool("rg-verify", ["--policy", Repository.examplePolicy, "--strip", "--max-line-bytes", "1048576"])
        let templates = try demo().split(separator: 0x0A).map { [UInt8]($0) }
        tool.send(templates[0])
        _ = tool.readLine()
        let baseline = tool.peakRSSBytes ?? 0
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
        tool.sendRaw(Array(#"{"pad":""#.utf8))
        for _ in 0..<25 { tool.sendRaw(chunk) }
        tool.send(Array(#""}"#.utf8))
        tool.send(templates[10])
        let after = tool.readLine()
        let peak = tool.peakRSSBytes ?? 0
        #expect(tool.finish() == 3)
        #expect(after != nil)
        #expect(peak - baseline < 16 << 20, "grew by \(peak - baseline) bytes for a 200 MB line")
        #expect(Eventually.holds { tool.stderr.contains("line 2: line_too_long: 209715210 bytes") })
    }

    @Test func aPolicyEditTakesEffectOnTheNextTemplateAndABadEditIsRefused() throws {
        let scratch = try ScratchDirectory()
        let policyPath = scratch.path("policy.toml")
        let original = try String(contentsOfFile: Repository.examplePolicy, encoding: .utf8)
        try original.write(toFile: policyPath, atomically: true, encoding: .utf8)
        let stream = try Tool.run("rg-feed", ["demo", "--scenario", "normal", "--seed", "1", "--count", "4", "--interval", "0", "--txs", "50"]).stdout
        let templates = stream.split(separator: 0x0A).map { [UInt8]($0) }
        let tool = try InteractiveTool("rg-verify", ["--policy", policyPath, "--strip"])
        defer { _ = tool.finish() }

        tool.send(templates[0])
        let first = try JSONDocument(bytes: try #require(tool.readLine())).root
        #expect(first["accepted"]?.bool == true)

        // An editor-style replace: write elsewhere, rename over the file.
        let strict = original.replacingOccurrences(of: "min_avg_fee_hi  = 5000", with: "min_avg_fee_hi  = 10000000")
        try strict.write(toFile: policyPath, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 0.2)   // inotify delivers in microseconds; this only orders the two writes
        tool.send(templates[1])
        let second = try JSONDocument(bytes: try #require(tool.readLine())).root
        #expect(second["reason_code"]?.string == "avg_fee_below_minimum")
        #expect(second["policy_hash"]?.string != first["policy_hash"]?.string)

        // A bad edit keeps the previous (strict) policy and says why on stderr.
        try "[policy]\nmax_tx_count = 0\n".write(toFile: policyPath, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 0.2)
        tool.send(templates[2])
        let third = try JSONDocument(bytes: try #require(tool.readLine())).root
        #expect(third["reason_code"]?.string == "avg_fee_below_minimum")
        #expect(third["policy_hash"]?.string == second["policy_hash"]?.string)
        #expect(Eventually.holds { tool.stderr.contains("policy reload failed") })
        #expect(Eventually.holds { tool.stderr.contains("max_tx_count") })

        // SIGHUP after restoring the file in place (no rename) reloads too.
        try original.write(toFile: policyPath, atomically: false, encoding: .utf8)
        kill(tool.pid, SIGHUP)
        Thread.sleep(forTimeInterval: 0.2)
        tool.send(templates[3])
        let fourth = try JSONDocument(bytes: try #require(tool.readLine())).root
        #expect(fourth["accepted"]?.bool == true)
        #expect(fourth["policy_hash"]?.string == first["policy_hash"]?.string)
    }

    @Test func checkNamesTheKeyAndExitsTwo() throws {
        let scratch = try ScratchDirectory()
        let bad = scratch.path("bad.toml")
        try "[policy]\nmin_avg_fee_lo = 600\nmin_avg_fee_mid = 500\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let rejected = try Tool.run("rg-verify", ["check", bad])
        #expect(rejected.status == 2)
        #expect(rejected.err.contains("bad.toml:2: min_avg_fee_lo (600) must be ≤ min_avg_fee_mid (500)"))
        let accepted = try Tool.run("rg-verify", ["check", Repository.examplePolicy])
        #expect(accepted.status == 0)
        // Start-up with an unusable policy is a usage error, never a permissive default.
        let startup = try Tool.run("rg-verify", ["--policy", bad], stdin: Data())
        #expect(startup.status == 2)
        #expect(startup.stdout.isEmpty)
    }

    @Test func verdictsRecordedWithDbAreExactlyThoseExported() throws {
        let scratch = try ScratchDirectory()
        let db = scratch.path("rg.sqlite")
        let verify = try Tool.run("rg-verify", ["--policy", Repository.examplePolicy, "--strip", "--db", db], stdin: try demo())
        #expect(verify.status == 0, "\(verify.err)")
        let printed = try verdicts(verify.stdout).map { $0["template_id"]?.string ?? "" }
        let export = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--format", "csv", "--since", "1h"])
        #expect(export.status == 0, "\(export.err)")
        let rows = export.out.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(rows == printed)
        let ndjson = try Tool.run("rg-stat", ["export", "--db", db, "verdicts", "--format", "ndjson", "--since", "1h"])
        let exported = try verdicts(ndjson.stdout)
        #expect(exported.map { $0["template_id"]?.string ?? "" } == printed)
    }

    @Test func sigtermFinishesTheRecordInHandAndExitsZero() throws {
        let tool = try InteractiveTool("rg-verify", ["--policy", Repository.examplePolicy, "--strip"])
        let templates = try demo().split(separator: 0x0A).map { [UInt8]($0) }
        tool.send(templates[0])
        #expect(tool.readLine() != nil)
        kill(tool.pid, SIGTERM)
        tool.process.waitUntilExit()
        #expect(tool.process.terminationStatus == 0)
    }
}
