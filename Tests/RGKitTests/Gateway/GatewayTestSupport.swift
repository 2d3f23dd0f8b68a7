import Foundation
import Testing
@testable import RGKit

/// Shared helpers for the gateway tests: templates, a core, and a small miner that follows the
/// gateway's messages and grinds nonces.
enum GatewayFixtures {
    static let now: Int64 = 1_764_072_000_000

    /// The js2pool vectors' templates, parsed by our own GBT decoder.
    static func js2poolTemplates() throws -> [(BitcoinFixtures.JS2PoolFile.Case, BlockTemplate)] {
        try BitcoinFixtures.js2pool().map { (c, _) in
            let doc = try JSONDocument(c.template_json_verbatim)
            return (c, try BlockTemplate(json: doc.root, path: "gbt"))
        }
    }

    /// js2pool's coinbase layout: version 1, sequence 0, lockTime 0, a time push and a
    /// merged-mining marker before the 8-byte extranonce, "Mined by Rice" after it, and the
    /// witness commitment as the first output.
    static func js2poolLayout(timePush: UInt32) -> CoinbaseLayout {
        var before: [UInt8] = [0x04]
        withUnsafeBytes(of: timePush.littleEndian) { before += $0 }
        before += [0x08] + [0xfa, 0xbe, 0x6d, 0x6d] + [UInt8](repeating: 0, count: 32) + [1, 0, 0, 0] + [0, 0, 0, 0]
        let tag = Array("Mined by Rice".utf8)
        return CoinbaseLayout(transactionVersion: 1, sequence: 0, lockTime: .fixed(0), scriptSigBeforeExtranonce: before,
                              scriptSigAfterExtranonce: [UInt8(tag.count)] + tag, extranonceSize: 8, commitmentFirst: true)
    }

    /// The P2PKH script js2pool paid to (aec6287421dd340e06a5d01e9dbc1e9d37741dae).
    static let js2poolPayout = Payout(scriptPubKey: Script(try! Hex.decode("76a914aec6287421dd340e06a5d01e9dbc1e9d37741dae88ac")),
                                      source: "raw:js2pool")

    static let regtestPayout = try! Payout(parsing: "bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", network: .regtest)
    static let mainnetPayout = try! Payout(parsing: "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", network: .mainnet)

    /// Demo templates (real segwit transactions, consistent commitment) as BlockTemplates.
    struct Feed {
        var feed: DemoFeed
        init(network: Network, txs: Int = 12, seed: UInt64 = 5, startHeight: Int64 = 890_000) {
            feed = DemoFeed(options: .init(seed: seed, network: network, startHeight: startHeight, txs: txs, scenario: .normal))
        }
        /// The next template (each builds on a new tip: a block was found on the previous one).
        mutating func next(nowMs: Int64) throws -> (id: String, template: BlockTemplate) {
            let out = feed.next(nowMs: nowMs)
            let record = try TemplateRecord(json: try JSONDocument(bytes: out.record).root)
            return (out.templateID, record.gbt)
        }
    }

    static func configuration(network: Network = .mainnet, mode: TemplateGate.Mode = .observe, minimumDifficulty: Double = 1e-9,
                              vardiffEnabled: Bool = false, rateLimit: Double = 0) -> GatewayConfiguration {
        GatewayConfiguration(network: network, payout: network == .regtest ? regtestPayout : mainnetPayout, mode: mode,
                             serverID: 7,
                             vardiff: Vardiff.Configuration(initialDifficulty: minimumDifficulty, minimumDifficulty: minimumDifficulty),
                             vardiffEnabled: vardiffEnabled, shareRateLimitPerSecond: rateLimit, shareRateBurst: 5,
                             duplicateWindow: 4096)
    }

    /// An easy max_target (all ones): the miner takes any target.
    static let easiest = Bytes32(w0: .max, w1: .max, w2: .max, w3: .max)

    static func openStandard(requestID: UInt32 = 1, user: String = "alice.rig1", hashrate: Float = 0, maxTarget: Bytes32 = easiest)
        -> OpenStandardMiningChannel {
        OpenStandardMiningChannel(requestID: requestID, userIdentity: try! Str0_255(user), nominalHashRate: hashrate, maxTarget: maxTarget)
    }
}

/// Follows one channel's messages the way a miner would, and finds nonces.
struct TestMiner {
    struct Job { var merkleRoot: Bytes32; var version: UInt32; var minNtime: UInt32?; var extended: NewExtendedMiningJob? }
    let connection: ConnectionID
    var channelID: UInt32 = 0
    var target = Bytes32.zero
    var extranoncePrefix: [UInt8] = []
    var extranonceSize = 0
    var jobs: [UInt32: Job] = [:]
    var activeJobID: UInt32?
    var prevHash = Bytes32.zero
    var nbits: UInt32 = 0
    var prevMinNtime: UInt32 = 0
    var setNewPrevHashCount = 0

    init(connection: ConnectionID) { self.connection = connection }

    /// Applies the messages addressed to this miner's connection.
    mutating func observe(_ actions: [GatewayAction]) {
        for case .send(let to, let message) in actions where to == connection {
            switch message {
            case .openStandardMiningChannelSuccess(let s):
                channelID = s.channelID; target = s.target; extranoncePrefix = s.extranoncePrefix.bytes
            case .openExtendedMiningChannelSuccess(let s):
                channelID = s.channelID; target = s.target; extranoncePrefix = s.extranoncePrefix.bytes
                extranonceSize = Int(s.extranonceSize)
            case .newMiningJob(let j) where j.channelID == channelID:
                jobs[j.jobID] = Job(merkleRoot: j.merkleRoot, version: j.version, minNtime: j.minNtime, extended: nil)
                if j.minNtime != nil { activeJobID = j.jobID }
            case .newExtendedMiningJob(let j) where j.channelID == channelID:
                jobs[j.jobID] = Job(merkleRoot: .zero, version: j.version, minNtime: j.minNtime, extended: j)
                if j.minNtime != nil { activeJobID = j.jobID }
            case .setNewPrevHash(let p) where p.channelID == channelID:
                prevHash = p.prevHash; nbits = p.nbits; prevMinNtime = p.minNtime
                activeJobID = p.jobID
                setNewPrevHashCount += 1
            case .setTarget(let t) where t.channelID == channelID:
                target = t.maximumTarget
            default:
                break
            }
        }
    }

    func minNtime(_ jobID: UInt32) -> UInt32 { jobs[jobID]?.minNtime ?? prevMinNtime }

    func merkleRoot(_ jobID: UInt32, minerExtranonce: [UInt8] = []) -> Bytes32 {
        guard let job = jobs[jobID] else { return .zero }
        guard let ext = job.extended else { return job.merkleRoot }
        let coinbase = ext.coinbaseTxPrefix.bytes + extranoncePrefix + minerExtranonce + ext.coinbaseTxSuffix.bytes
        let txid = Txid(wire: SHA256Hash.hash256(coinbase))
        return Merkle.fold(coinbaseTxid: txid, branch: ext.merklePath.elements.map { MerkleNode(wire: $0) }).wire
    }

    func hash(jobID: UInt32, nonce: UInt32, ntime: UInt32, version: UInt32, minerExtranonce: [UInt8] = []) -> Bytes32 {
        BlockHeader(version: Int32(bitPattern: version), prevBlockHash: BlockHash(wire: prevHash),
                    merkleRoot: MerkleNode(wire: merkleRoot(jobID, minerExtranonce: minerExtranonce)),
                    time: ntime, bits: CompactTarget(rawValue: nbits), nonce: nonce).hash.wire
    }

    /// The first nonce from `start` whose hash meets (or, with `failing`, misses) `target`.
    func nonce(jobID: UInt32, ntime: UInt32, version: UInt32, target: Bytes32? = nil, failing: Bool = false,
               minerExtranonce: [UInt8] = [], start: UInt32 = 0) -> UInt32 {
        let t = target ?? self.target
        var n = start
        while true {
            let meets = !(t < hash(jobID: jobID, nonce: n, ntime: ntime, version: version, minerExtranonce: minerExtranonce))
            if meets != failing { return n }
            n &+= 1
        }
    }

    /// A share for the active job meeting the current target.
    func validShare(sequence: UInt32 = 1, start: UInt32 = 0, ntimeOffset: UInt32 = 0) -> SubmitSharesStandard {
        let jobID = activeJobID ?? 0
        let version = jobs[jobID]?.version ?? 0
        let ntime = minNtime(jobID) + ntimeOffset
        return SubmitSharesStandard(channelID: channelID, sequenceNumber: sequence, jobID: jobID,
                                    nonce: nonce(jobID: jobID, ntime: ntime, version: version, start: start), ntime: ntime, version: version)
    }
}

extension Array where Element == GatewayAction {
    var sentMessages: [(ConnectionID, SV2Message)] {
        compactMap { if case .send(let c, let m) = $0 { return (c, m) }; return nil }
    }
    var records: [GatewayRecord] {
        compactMap { if case .record(let r) = $0 { return r }; return nil }
    }
    var jobRecords: [JobRecord] { records.compactMap { if case .job(let j) = $0 { return j }; return nil } }
    var overrides: [PolicyOverrideRecord] { records.compactMap { if case .policyOverride(let o) = $0 { return o }; return nil } }
    var blocks: [BlockRecord] { records.compactMap { if case .block(let b) = $0 { return b }; return nil } }
}
