import Foundation
import Testing
@testable import RGKit

@Suite struct LoadScenarioTests {
    static let examplePolicy: Policy = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/policy.toml").path
        return try! PolicyLoader.load(toml: String(contentsOfFile: path, encoding: .utf8))
    }()

    /// Every generated propose gets, from the example policy, the verdict its scenario promises —
    /// so a load run's "accepted" and "rejected by reason" mean what they say.
    @Test(arguments: LoadScenario.allCases)
    func eachScenarioGetsTheVerdictItPromises(_ scenario: LoadScenario) throws {
        var generator = LoadProposeGenerator(scenario: scenario, seed: 7)
        let evaluator = Evaluator(policy: Self.examplePolicy)
        let now: Int64 = 1_764_072_000_000
        var seen: Set<String> = []
        for n in 0..<500 {
            let (propose, expected) = generator.next(id: UInt64(n), nowMs: now)
            var w = JSONWriter()
            propose.write(to: &w)
            let reparsed = try TemplatePropose(json: JSONDocument(bytes: w.bytes).root)   // what goes on the wire reads back
            #expect(reparsed == propose)
            let evaluation = evaluator.evaluate(propose.summary(network: .mainnet, receivedMs: nil), nowMs: now + 5, bestHeightSeen: 900_000)
            #expect(evaluation.reason == expected, "\(scenario) #\(n)")
            seen.insert(expected?.rawValue ?? "accepted")
        }
        switch scenario {
        case .valid: #expect(seen == ["accepted"])
        case .mixed: #expect(seen.count == 7)            // accepted + 6 reasons (prevhash has two)
        case .rejectPrevhash: #expect(seen == ["prev_hash_len_mismatch", "invalid_prev_hash"])
        default: #expect(seen.count == 1 && !seen.contains("accepted"))
        }
    }

    @Test func theSameSeedGivesTheSameProposes() {
        var a = LoadProposeGenerator(scenario: .mixed, seed: 99)
        var b = LoadProposeGenerator(scenario: .mixed, seed: 99)
        for n in 0..<50 { #expect(a.next(id: UInt64(n), nowMs: 1).0 == b.next(id: UInt64(n), nowMs: 1).0) }
    }
}
