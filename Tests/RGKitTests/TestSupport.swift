import Foundation

/// Seeded SplitMix64 for tests: every mutation and fuzz run is reproducible from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Case counts for property and fuzz tests: a seeded set of tens of thousands of cases in the
/// normal run; `RG_FUZZ_CASES=1000000` scales every fuzz test up for the documented long run,
/// and `RG_FUZZ_SEED` replays a failing seed.
enum FuzzBudget {
    static let requested: Int? = ProcessInfo.processInfo.environment["RG_FUZZ_CASES"].flatMap { Int($0) }

    /// The SV2 codec's form: `count` normally, exactly `RG_FUZZ_CASES` in a long run.
    static func cases(default count: Int) -> Int { requested ?? count }

    /// The Noise form: `normal`, or a share of `RG_FUZZ_CASES` (never fewer than normal).
    static func cases(_ normal: Int, longRunShare: Double = 1.0, function: String = #function) -> Int {
        guard let requested else { return normal }
        let count = max(normal, Int(Double(requested) * longRunShare))
        print("FUZZ \(function): \(count) cases, seed \(seed)")
        return count
    }

    static let seed: UInt64 = ProcessInfo.processInfo.environment["RG_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0F_2025
}
