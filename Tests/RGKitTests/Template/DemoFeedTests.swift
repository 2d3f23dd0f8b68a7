import Testing
@testable import RGKit

@Suite struct DemoFeedTests {
    static let now: Int64 = 1_764_072_000_000

    func verdicts(_ scenario: DemoScenario, count: Int, txs: Int = 60, network: Network = .mainnet) -> [(DemoFeed.Output, TemplateVerifier.Outcome)] {
        var feed = DemoFeed(options: .init(seed: 7, network: network, txs: txs, scenario: scenario))
        let verifier = TemplateVerifier(policy: .defaults, options: .init(network: network, strip: true))
        return (0..<count).map { i in
            let out = feed.next(nowMs: Self.now + Int64(i) * 1000)
            return (out, verifier.judge(line: out.record, nowMs: Self.now + Int64(i) * 1000 + 5))
        }
    }

    @Test func everyScenarioOfTheCycleGetsItsExpectedVerdict() throws {
        let results = verdicts(.cycle, count: 11)
        for (output, outcome) in results {
            guard case .judged(let j) = outcome else { Issue.record("no verdict for \(output.scenario)"); continue }
            #expect(j.evaluation.reason?.rawValue == output.scenario.expectedReason,
                    "\(output.scenario): \(j.evaluation.reason?.rawValue ?? "accepted") \(j.evaluation.detail ?? "")")
            #expect(j.summary.templateID == output.templateID)
        }
        #expect(results.map(\.0.scenario) == DemoScenario.cycleOrder + [.normal])
    }

    @Test(arguments: [DemoScenario.normal, .lowFees, .highSigops, .empty, .zeroCoinbase, .heavyWeight, .feeSweep, .stale, .tampered])
    func normalTemplatesPassConsensusAndOthersFailOnlyTheirCheck(_ scenario: DemoScenario) throws {
        for (output, outcome) in verdicts(scenario, count: 3) {
            guard case .judged(let j) = outcome else { Issue.record("no verdict"); continue }
            let failures = j.summary.consensus?.failures.map(\.check.rawValue) ?? []
            // Only the tampered template lies; a zero coinbase and an overweight template are
            // honest about being wrong, so the consensus check that restates them fails too.
            let expected: [String] = switch scenario {
            case .tampered: ["tx_data_mismatch"]
            case .zeroCoinbase: ["coinbase_value_mismatch"]
            case .heavyWeight: ["template_weight_exceeded"]
            default: []
            }
            #expect(failures == expected, "\(output.scenario): \(failures)")
        }
    }

    @Test func reorgStreamsRegressEveryOtherTemplate() {
        let results = verdicts(.reorg, count: 4)
        let codes = results.map { outcome -> String? in
            if case .judged(let j) = outcome.1 { return j.evaluation.reason?.rawValue }
            return "none"
        }
        #expect(codes == [nil, "tip_regressed", nil, "tip_regressed"])
    }

    @Test func feeSweepWalksTheTiers() {
        let results = verdicts(.feeSweep, count: 18)
        var seen: [(FeeTier, Bool)] = []
        for (_, outcome) in results {
            if case .judged(let j) = outcome { seen.append((j.evaluation.feeTier, j.evaluation.accepted)) }
        }
        // mempool 0 and 30 are the mid tier under the example policy, 30,000 the high tier.
        #expect(seen.prefix(6).allSatisfy { $0.0 == .mid })
        #expect(seen.suffix(6).allSatisfy { $0.0 == .high })
        #expect(seen.prefix(6).map(\.1) == [false, false, true, true, true, true])
        #expect(seen.suffix(6).map(\.1) == [false, false, false, false, true, true])
    }

    @Test func theSameSeedAndClockGiveTheSameBytes() {
        var a = DemoFeed(options: .init(seed: 11, txs: 40, scenario: .cycle))
        var b = DemoFeed(options: .init(seed: 11, txs: 40, scenario: .cycle))
        var c = DemoFeed(options: .init(seed: 12, txs: 40, scenario: .cycle))
        for i in 0..<10 {
            let t = Self.now + Int64(i)
            let x = a.next(nowMs: t), y = b.next(nowMs: t), z = c.next(nowMs: t)
            #expect(x.record == y.record)
            if x.scenario != .empty { #expect(x.templateID != z.templateID) }
        }
    }

    @Test func regtestTemplatesUseRegtestBitsAndSubsidy() throws {
        var feed = DemoFeed(options: .init(seed: 1, network: .regtest, startHeight: 300, txs: 5, scenario: .normal))
        let out = feed.next(nowMs: Self.now)
        let record = try TemplateRecord(json: JSONDocument(bytes: out.record).root)
        #expect(record.gbt.bits.rawValue == 0x207F_FFFF)
        let fees = record.gbt.transactions.compactMap(\.fee).reduce(0, +)
        #expect(record.gbt.coinbaseValue == 1_250_000_000 + fees)   // 50 BTC >> 2 at height 300
        #expect(TemplateConsensus.rederive(record.gbt, network: .regtest).failures.isEmpty)
    }

    @Test func aBlockOfOursOnTheCurrentTipBecomesTheTipAndOthersChangeNothing() throws {
        var feed = DemoFeed(options: .init(seed: 3, network: .regtest, startHeight: 300, txs: 5, scenario: .normal))
        let first = try TemplateRecord(json: JSONDocument(bytes: feed.next(nowMs: Self.now).record).root)
        let parent = try #require(first.gbt.previousBlockHash)
        let ours = BlockHash(wire: Bytes32(w0: 7, w1: 7, w2: 7, w3: 7))
        // Wrong parent, wrong height: someone else's stale block.
        let otherParent = feed.adopt(hash: ours, previousBlockHash: BlockHash(wire: Bytes32(w0: 1, w1: 1, w2: 1, w3: 1)), height: 300)
        let otherHeight = feed.adopt(hash: ours, previousBlockHash: parent, height: 301)
        let onTheTip = feed.adopt(hash: ours, previousBlockHash: parent, height: 300)
        #expect(!otherParent && !otherHeight && onTheTip)
        let next = try TemplateRecord(json: JSONDocument(bytes: feed.next(nowMs: Self.now + 1).record).root)
        #expect(next.gbt.previousBlockHash == ours && next.gbt.height == 301)
        // The network's block on the first template lost the race: it is no longer the tip's parent.
        let again = feed.adopt(hash: ours, previousBlockHash: parent, height: 300)
        #expect(!again)

        // Without a block of ours, the network's block on the normal template is the next tip.
        var plain = DemoFeed(options: .init(seed: 3, network: .regtest, startHeight: 300, txs: 5, scenario: .normal))
        _ = plain.next(nowMs: Self.now)
        let networks = try TemplateRecord(json: JSONDocument(bytes: plain.next(nowMs: Self.now + 1).record).root)
        #expect(networks.gbt.height == 301 && networks.gbt.previousBlockHash != ours && networks.gbt.previousBlockHash != parent)
    }

    @Test func aNodesBlockRecordIsAdoptedByItsHeaderWhenItNamesNoParent() throws {
        var feed = DemoFeed(options: .init(seed: 3, network: .regtest, startHeight: 300, txs: 5, scenario: .normal))
        let first = try TemplateRecord(json: JSONDocument(bytes: feed.next(nowMs: Self.now).record).root)
        let block = try TestBlocks.block(from: first.gbt, network: .regtest)
        let record = BlockRecord(height: 300, hash: block.hash.displayHex, prevHash: nil, templateID: nil, channelID: nil, worker: nil,
                                 foundMs: nil, blockHex: TestBlocks.hex(block))
        let adopted = feed.adopt(record)
        #expect(adopted)
        let next = try TemplateRecord(json: JSONDocument(bytes: feed.next(nowMs: Self.now + 1).record).root)
        #expect(next.gbt.previousBlockHash == block.hash)
    }
}
