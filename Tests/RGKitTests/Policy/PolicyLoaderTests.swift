import Foundation
import Testing
@testable import RGKit

@Suite struct PolicyLoaderTests {
    static let examplePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/policy.toml").path

    @Test func theExamplePolicyLoadsAndEqualsTheDefaults() throws {
        let text = try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        let policy = try PolicyLoader.load(toml: text, file: "config/policy.toml")
        #expect(policy == Policy.defaults)
        #expect(policy.minAvgFeeMid == 2000)
        #expect(policy.maxWeightRatio == 0.999)
    }

    @Test func anEmptyPolicyTableMeansEveryDefault() throws {
        #expect(try PolicyLoader.load(toml: "[policy]\n") == Policy.defaults)
    }

    @Test func warnOnlyTakesKnownCodes() throws {
        let p = try PolicyLoader.load(toml: "[policy]\nwarn_only = [\"template_too_old\", \"tip_regressed\"]\n")
        #expect(p.warnOnly == [.templateTooOld, .tipRegressed])
    }

    @Test func hashIgnoresCommentsAndLayoutButNotValues() throws {
        let a = try PolicyLoader.load(toml: "[policy]\nmax_tx_count = 5000\n")
        let b = try PolicyLoader.load(toml: "# note\n[policy]\n\n  max_tx_count   =   5000 # five thousand\n")
        let c = try PolicyLoader.load(toml: "[policy]\nmax_tx_count = 5001\n")
        #expect(a.hash == b.hash)
        #expect(a.hash != c.hash)
        #expect(a.hash.count == 16)
        #expect(try PolicyLoader.load(toml: a.canonicalTOML) == a)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let toml: String
        let code: PolicyError.Code
        let key: String?
        let line: Int?
        let mentions: String
        var testDescription: String { "\(code.rawValue) \(key ?? "-")" }
    }

    static let invalid: [Case] = [
        Case(toml: "[policy]\nmax_tx_count = 0\n", code: .invalidValue, key: "max_tx_count", line: 2, mentions: "must be > 0"),
        Case(toml: "[policy]\nlow_mempool_tx = 60\nhigh_mempool_tx = 50\n", code: .invalidValue, key: "low_mempool_tx", line: 2, mentions: "≤ high_mempool_tx"),
        Case(toml: "[policy]\nmin_avg_fee_lo = 600\nmin_avg_fee_mid = 500\n", code: .invalidValue, key: "min_avg_fee_lo", line: 2, mentions: "≤ min_avg_fee_mid (500)"),
        Case(toml: "[policy]\nmin_avg_fee_mid = 6000\n", code: .invalidValue, key: "min_avg_fee_mid", line: 2, mentions: "≤ min_avg_fee_hi"),
        Case(toml: "[policy]\nmax_weight_ratio = 1.5\n", code: .invalidValue, key: "max_weight_ratio", line: 2, mentions: "(0, 1]"),
        Case(toml: "[policy]\nmax_weight_ratio = 0\n", code: .invalidValue, key: "max_weight_ratio", line: 2, mentions: "(0, 1]"),
        Case(toml: "[policy]\nmax_weight_ratio = nan\n", code: .invalidValue, key: "max_weight_ratio", line: 2, mentions: "(0, 1]"),
        Case(toml: "[policy]\nprotocol_version = 3\n", code: .invalidValue, key: "protocol_version", line: 2, mentions: "must be 2"),
        Case(toml: "[policy]\nrequired_prevhash_len = 0\n", code: .invalidValue, key: "required_prevhash_len", line: 2, mentions: "> 0"),
        Case(toml: "[policy]\nmax_template_age_secs = 0\n", code: .invalidValue, key: "max_template_age_secs", line: 2, mentions: "> 0"),
        Case(toml: "[policy]\nmax_sigops_cost = 90000\n", code: .invalidValue, key: "max_sigops_cost", line: 2, mentions: "1…80000"),
        Case(toml: "[policy]\nmax_coinbase_sigops = 90000\n", code: .invalidValue, key: "max_coinbase_sigops", line: 2, mentions: "max_sigops_cost"),
        Case(toml: "[policy]\nmin_total_fees = -1\n", code: .invalidValue, key: "min_total_fees", line: 2, mentions: "≥ 0"),
        Case(toml: "[policy]\nmax_tx_count = \"many\"\n", code: .wrongType, key: "max_tx_count", line: 2, mentions: "must be an integer"),
        Case(toml: "[policy]\nmax_tx_count = 10.5\n", code: .wrongType, key: "max_tx_count", line: 2, mentions: "must be an integer"),
        Case(toml: "[policy]\nreject_empty_templates = 1\n", code: .wrongType, key: "reject_empty_templates", line: 2, mentions: "true or false"),
        Case(toml: "[policy]\nmax_weight_ratio = \"0.9\"\n", code: .wrongType, key: "max_weight_ratio", line: 2, mentions: "a number"),
        Case(toml: "[policy]\nwarn_only = \"template_too_old\"\n", code: .wrongType, key: "warn_only", line: 2, mentions: "array"),
        Case(toml: "[policy]\nwarn_only = [\"made_up\"]\n", code: .invalidValue, key: "warn_only", line: 2, mentions: "unknown reason code \"made_up\""),
        Case(toml: "[policy]\n\nmax_tx_cont = 5\n", code: .unknownKey, key: "max_tx_cont", line: 3, mentions: "did you mean \"max_tx_count\""),
        Case(toml: "[policy]\n[policy.safety]\nmax_weight_ratio = 0.9\n", code: .unknownKey, key: "safety", line: 2, mentions: "unknown key \"safety\""),
        Case(toml: "[other]\nx = 1\n", code: .unknownKey, key: "other", line: 1, mentions: "only a [policy] table"),
        Case(toml: "max_tx_count = 1\n", code: .unknownKey, key: "max_tx_count", line: 1, mentions: "top-level"),
        Case(toml: "", code: .missingTable, key: "policy", line: nil, mentions: "missing the [policy] table"),
        Case(toml: "[policy]\nmax_tx_count = = 3\n", code: .syntax, key: nil, line: 2, mentions: "TOML syntax error"),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidPolicyNamingKeyAndLine(_ c: Case) {
        do {
            _ = try PolicyLoader.load(toml: c.toml, file: "p.toml")
            Issue.record("accepted an invalid policy")
        } catch {
            #expect(error.code == c.code)
            #expect(error.key == c.key)
            #expect(error.line == c.line)
            #expect(error.description.contains(c.mentions), "\(error.description)")
            #expect(error.description.hasPrefix("p.toml"))
            if let key = c.key { #expect(error.description.contains(key)) }
        }
    }
}
