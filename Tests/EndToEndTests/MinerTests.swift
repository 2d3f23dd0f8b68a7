import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import RGKit

/// A tool started with its stdin, stdout and stderr wired by the test (files or pipes between
/// tools), so a real pipeline `rg-gate | rg-fetch submit` can be built process by process.
final class PipedTool: @unchecked Sendable {
    let process = Process()
    let name: String
    let stderrPath: String

    init(_ name: String, _ arguments: [String], stdin: Any, stdout: Any, stderrPath: String) throws {
        self.name = name
        self.stderrPath = stderrPath
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Tool.path(name))
        process.arguments = arguments
        process.environment = Tool.environment()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits until stderr matches `pattern` and returns the first capture as a port.
    func port(from pattern: Regex<(Substring, Substring)>) throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let match = stderr.firstMatch(of: pattern), let port = Int(match.1) { return port }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("\(name) did not start listening:\n\(stderr)")
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    @discardableResult
    func waitForExit(seconds: Double = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    static var gateListening: Regex<(Substring, Substring)> { /listening for miners on 127\.0\.0\.1:([0-9]+)/ }
    static var rpcListening: Regex<(Substring, Substring)> { /address=127\.0\.0\.1:([0-9]+).*listening/ }
}

/// The records of an NDJSON file, parsed.
func ndjsonRecords(_ path: String) throws -> [JSONValue] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return try text.split(separator: "\n").map { try JSONDocument(String($0)).root }
}

/// NDJSON bytes (a tool's stdout), parsed.
func ndjsonRecords(_ data: Data) throws -> [JSONValue] {
    try data.split(separator: 0x0A).map { try JSONDocument(bytes: [UInt8]($0)).root }
}

@Suite("rg-miner against the real gateway", .serialized)
struct MinerTests {
    static let regtestPayout = "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9"

    static let mainnetPayout = "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv"

    /// Templates and their verdicts for one demo template, and an authority key. On regtest
    /// (nBits 207fffff) every share is also a block; on mainnet none is, which is what a load
    /// test wants (a block is assembled and written whole).
    struct Setup {
        let network: String
        let scratch: ScratchDirectory
        let keyPath: String
        let publicKey: String
        let templates: String
        let verdicts: String

        init(network: String = "regtest") throws {
            self.network = network
            scratch = try ScratchDirectory()
            keyPath = scratch.path("authority.key")
            let made = try Tool.run("rg-gate", ["keygen", "--output", keyPath])
            guard made.status == 0, let key = try JSONDocument(bytes: [UInt8](made.stdout)).root["public_key_hex"]?.string else {
                throw TestFailure("keygen: \(made.err)")
            }
            publicKey = key
            let demo = try Tool.run("rg-feed", ["demo", "--network", network, "--scenario", "normal", "--count", "1", "--seed", "7"])
            guard demo.status == 0 else { throw TestFailure("demo: \(demo.err)") }
            templates = scratch.path("templates.ndjson")
            FileManager.default.createFile(atPath: templates, contents: demo.stdout)
            let policy = Repository.root.appendingPathComponent("config/policy.toml").path
            let verified = try Tool.run("rg-verify", ["filter", "--policy", policy, "--network", network], stdin: demo.stdout)
            guard verified.status == 0, verified.out.contains("\"accepted\":true") else { throw TestFailure("verify: \(verified.err)") }
            verdicts = scratch.path("verdicts.ndjson")
            FileManager.default.createFile(atPath: verdicts, contents: verified.stdout)
        }

        func gateArguments(difficulty: String, extra: [String] = []) -> [String] {
            ["serve", "--mode", "inline", "--network", network,
             "--payout", network == "regtest" ? MinerTests.regtestPayout : MinerTests.mainnetPayout, "--authority-key", keyPath,
             "--listen", "127.0.0.1:0", "--http-listen", "off", "--default-difficulty", difficulty, "--min-difficulty", difficulty,
             "--vardiff-rate", "0", "--snapshot-interval", "0"] + extra
        }
    }

    @Test("acceptance 1: feed → verify → gate (inline) → rg-miner --shares 20: 20 accepted; every block is valid and reaches rg-feed rpc via rg-fetch submit: the first becomes the tip, the rest are inconclusive, as with Core")
    func minerFindsValidBlocks() throws {
        let setup = try Setup()
        let s = setup.scratch
        let cookie = s.path("rpc.cookie")
        let rpcOut = s.path("rpc.out")
        FileManager.default.createFile(atPath: rpcOut, contents: nil)
        let rpc = try PipedTool("rg-feed", ["rpc", "--listen", "127.0.0.1:0", "--network", "regtest", "--rpc-cookie", cookie],
                                stdin: try FileHandle(forReadingFrom: URL(fileURLWithPath: setup.templates)),
                                stdout: try FileHandle(forWritingTo: URL(fileURLWithPath: rpcOut)), stderrPath: s.path("rpc.err"))
        defer { rpc.signal(SIGTERM); rpc.waitForExit() }
        let rpcPort = try rpc.port(from: PipedTool.rpcListening)

        // rg-gate's stdout goes through the test (kept in gate.out) on to rg-fetch submit's stdin:
        // the gate's block records are checked, and rg-fetch consumes them.
        let fromGate = Pipe()
        let toFetch = Pipe()
        let gateOut = s.path("gate.out")
        let fetchOut = s.path("fetch.out")
        FileManager.default.createFile(atPath: gateOut, contents: nil)
        FileManager.default.createFile(atPath: fetchOut, contents: nil)
        let gate = try PipedTool("rg-gate", setup.gateArguments(difficulty: "0.00001"),
                                 stdin: try FileHandle(forReadingFrom: URL(fileURLWithPath: setup.verdicts)),
                                 stdout: fromGate, stderrPath: s.path("gate.err"))
        defer { gate.signal(SIGKILL) }
        let fetch = try PipedTool("rg-fetch", ["submit", "--rpc", "http://127.0.0.1:\(rpcPort)", "--rpc-cookie", cookie, "--network", "regtest"],
                                  stdin: toFetch, stdout: try FileHandle(forWritingTo: URL(fileURLWithPath: fetchOut)),
                                  stderrPath: s.path("fetch.err"))
        try fromGate.fileHandleForWriting.close()
        try toFetch.fileHandleForReading.close()
        let copier = Thread {
            let keep = FileHandle(forWritingAtPath: gateOut)
            while true {
                let chunk = fromGate.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                keep?.write(chunk)
                toFetch.fileHandleForWriting.write(chunk)
            }
            try? keep?.close()
            try? toFetch.fileHandleForWriting.close()
        }
        copier.start()
        let port = try gate.port(from: PipedTool.gateListening)

        let mined = try Tool.run("rg-miner", ["--connect", "127.0.0.1:\(port)", "--authority-pubkey", setup.publicKey,
                                              "--shares", "20", "--threads", "2", "--hashrate", "0", "--worker", "e2e.rig"])
        #expect(mined.status == 0, "rg-miner: \(mined.err)")
        let shares = try ndjsonRecords(mined.stdout)
        #expect(shares.count == 20)
        #expect(shares.allSatisfy { $0["type"]?.string == "share" && $0["accepted"]?.bool == true && $0["worker"]?.string == "e2e.rig" })

        gate.signal(SIGTERM)
        #expect(gate.waitForExit() == 0, "rg-gate: \(gate.stderr)")
        let fetchStatus = fetch.waitForExit()
        #expect(fetchStatus == 0, "rg-fetch: \(fetch.stderr)")

        let blocks = try ndjsonRecords(gateOut).filter { $0["type"]?.string == "block" }
        let submits = try ndjsonRecords(fetchOut).filter { $0["type"]?.string == "submit" }
        let verdict = try ndjsonRecords(setup.verdicts)[0]
        let height = try #require(verdict["height"]?.int64)
        // At regtest difficulty (nBits 207fffff) every share at difficulty 1e-5 is also a block.
        #expect(blocks.count == 20)
        var hashes: Set<String> = []
        for record in blocks {
            let block = try Block(hex: try #require(record["block_hex"]?.string))
            let hash = block.hash.displayHex
            hashes.insert(hash)
            #expect(record["hash"]?.string == hash)
            #expect(block.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit), "header hash above its nBits target")
            #expect(block.computedMerkleRoot == block.header.merkleRoot, "merkle root does not recompute")
            let coinbase = try #require(block.coinbase)
            let reserved = try #require(coinbase.inputs.first?.witness.first.flatMap { Bytes32($0) })
            let witnessRoot = try #require(block.computedWitnessRoot)
            #expect(WitnessCommitment(coinbase: coinbase) == WitnessCommitment(witnessRoot: witnessRoot, reservedValue: reserved),
                    "witness commitment does not recompute")
            #expect(block.bip34Height == height, "BIP34 height")
            #expect(block.header.prevBlockHash.displayHex == verdict["prev_hash"]?.string)
        }
        #expect(Set(shares.compactMap { $0["block"]?.bool == true ? $0["hash"]?.string : nil }) == hashes)
        // Every block reached the node and passed its checks. All 20 build on one parent, so as
        // with Core the first becomes the tip and the other 19 are valid but "inconclusive".
        #expect(submits.count == 20)
        #expect(Set(submits.compactMap { $0["hash"]?.string }) == hashes)
        let accepted = submits.filter { $0["accepted"]?.bool == true }
        #expect(accepted.count == 1, "one block becomes the tip: \(submits)")
        #expect(submits.allSatisfy { $0["accepted"]?.bool == true || $0["result"]?.string == "inconclusive" },
                "rg-feed rpc refused a block: \(submits)")

        rpc.signal(SIGTERM)
        rpc.waitForExit()
        let received = Set(try ndjsonRecords(rpcOut).filter { $0["type"]?.string == "block" }.compactMap { $0["hash"]?.string })
        #expect(received == Set(accepted.compactMap { $0["hash"]?.string }))
    }

    @Test("an extended channel mines valid shares too: the miner builds the coinbase and merkle root itself")
    func extendedChannel() throws {
        let setup = try Setup()
        let gate = try PipedTool("rg-gate", setup.gateArguments(difficulty: "0.00001"),
                                 stdin: try FileHandle(forReadingFrom: URL(fileURLWithPath: setup.verdicts)),
                                 stdout: FileHandle.nullDevice, stderrPath: setup.scratch.path("gate.err"))
        defer { gate.signal(SIGKILL) }
        let port = try gate.port(from: PipedTool.gateListening)
        let mined = try Tool.run("rg-miner", ["--connect", "127.0.0.1:\(port)", "--authority-pubkey", setup.publicKey,
                                              "--shares", "5", "--threads", "2", "--extended", "--hashrate", "0"])
        #expect(mined.status == 0, "rg-miner: \(mined.err)")
        let shares = try ndjsonRecords(mined.stdout)
        #expect(shares.count == 5 && shares.allSatisfy { $0["accepted"]?.bool == true && $0["extranonce"]?.string != nil })
    }

    @Test("a wrong authority key fails the handshake: exit 1, no share")
    func wrongAuthorityKey() throws {
        let setup = try Setup()
        let gate = try PipedTool("rg-gate", setup.gateArguments(difficulty: "0.00001"),
                                 stdin: try FileHandle(forReadingFrom: URL(fileURLWithPath: setup.verdicts)),
                                 stdout: FileHandle.nullDevice, stderrPath: setup.scratch.path("gate.err"))
        defer { gate.signal(SIGKILL) }
        let port = try gate.port(from: PipedTool.gateListening)
        let other = try Tool.run("rg-gate", ["keygen", "--output", setup.scratch.path("other.key")])
        let otherKey = try #require(try JSONDocument(bytes: [UInt8](other.stdout)).root["public_key_hex"]?.string)
        let mined = try Tool.run("rg-miner", ["--connect", "127.0.0.1:\(port)", "--authority-pubkey", otherKey, "--shares", "1"])
        #expect(mined.status == 1)
        #expect(mined.out.isEmpty)
        #expect(mined.err.contains("certificate") || mined.err.contains("signature"), "\(mined.err)")
    }

    @Test("acceptance 6: kill -9 of rg-gate --db during a swarm loses no acknowledged share")
    func killNineKeepsAcknowledgedShares() throws {
        let setup = try Setup(network: "mainnet")
        let db = setup.scratch.path("gate.sqlite")
        let arguments = setup.gateArguments(difficulty: "1e-9", extra: ["--db", db, "--share-rate-limit", "0"])
        let gate = try PipedTool("rg-gate", arguments, stdin: try FileHandle(forReadingFrom: URL(fileURLWithPath: setup.verdicts)),
                                 stdout: FileHandle.nullDevice, stderrPath: setup.scratch.path("gate.err"))
        defer { gate.signal(SIGKILL) }
        let port = try gate.port(from: PipedTool.gateListening)
        let swarm = try Tool.start("rg-miner", ["swarm", "--connect", "127.0.0.1:\(port)", "--authority-pubkey", setup.publicKey,
                                                "--connections", "20", "--share-rate", "2000", "--duration", "60s",
                                                "--share-records", "--json"])
        // Kill once shares are flowing: wait until the database holds some.
        let store = GatewayStore(try RGDatabase(path: db, mode: .existing))
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? store.acceptedShareCount()) ?? 0 < 500 { Thread.sleep(forTimeInterval: 0.05) }
        gate.signal(SIGKILL)
        _ = gate.waitForExit()
        let result = swarm.wait()
        #expect(result.status == 0, "swarm: \(result.err)")
        let records = try ndjsonRecords(result.stdout)
        let acknowledged = records.filter { $0["type"]?.string == "share" && $0["accepted"]?.bool == true }.compactMap { $0["hash"]?.string }
        // Some acknowledgements are still in flight at the kill (rows are committed first), so the
        // swarm saw fewer than the database holds; every one it saw must be there.
        #expect(!acknowledged.isEmpty)

        // Restart on the same database, as an operator would, then check every acknowledged share.
        let again = try PipedTool("rg-gate", arguments, stdin: FileHandle.nullDevice, stdout: FileHandle.nullDevice,
                                  stderrPath: setup.scratch.path("gate2.err"))
        _ = try again.port(from: PipedTool.gateListening)
        again.signal(SIGTERM)
        #expect(again.waitForExit() == 0)
        let stored = try GatewayStore(try RGDatabase(path: db, mode: .existing)).acceptedShareHashes()
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged shares are not in the database")
    }
}
