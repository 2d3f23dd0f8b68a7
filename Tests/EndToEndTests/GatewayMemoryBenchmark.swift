import Foundation
import Testing
@testable import RGKit

/// Memory per held SV2 channel in a running `rg-gate` (RSS growth while N miners are connected,
/// each with a Noise session and one standard channel). A benchmark, not a test: it runs only
/// with RG_BENCH=1 and prints a BENCH line; it asserts nothing about the figure.
///
///   RG_BENCH=1 RG_BENCH_CONNECTIONS=2000 swift test --filter GatewayMemoryBenchmark
@Suite struct GatewayMemoryBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RG_BENCH"] == "1"))
    func memoryPerHeldChannel() throws {
        let n = Int(ProcessInfo.processInfo.environment["RG_BENCH_CONNECTIONS"] ?? "") ?? 2_000
        let gate = try GateProcess(["--mode", "observe"])
        gate.send(lines: try GateVerdicts.make())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        // Warm up allocator and code paths with a few miners, then measure the growth.
        var miners: [SV2TestMiner] = []
        for _ in 0..<20 { let m = try SV2TestMiner(port: gate.port, authority: gate.authorityKey); try m.setup(); try m.openStandard(); miners.append(m) }
        let before = Self.rss(gate.process.processIdentifier)
        for _ in 0..<n {
            let m = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
            try m.setup()
            try m.openStandard()
            miners.append(m)
        }
        Thread.sleep(forTimeInterval: 1)
        let after = Self.rss(gate.process.processIdentifier)
        print("BENCH rg-gate memory per held channel (Noise session + standard channel, \(n) miners): \((after - before) / n) bytes (RSS \(before / 1024) KiB → \(after / 1024) KiB)")
        gate.stop()
    }

    static func rss(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return 0 }
        return kb * 1024
    }
}
