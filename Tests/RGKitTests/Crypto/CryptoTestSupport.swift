import Foundation
@testable import RGKit

/// SplitMix64: a small seeded generator so every random test case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// A generator that replays fixed 64-bit words (for pinning a key from known bytes).
enum TestBytes {
    static func hex(_ text: String) -> [UInt8] {
        do { return try Hex.decode(text) } catch { fatalError("bad hex literal in a test: \(text)") }
    }
    static func bytes32(_ text: String) -> Bytes32 {
        guard let value = Bytes32(hex(text)) else { fatalError("not 32 bytes: \(text)") }
        return value
    }
}

/// The comma-separated BIP vector files (no quoted fields in any of them).
enum CSVFixture {
    static func rows(_ name: String) throws -> [[String: String]] {
        let lines = try Fixtures.text("sv2/\(name)").split(whereSeparator: \.isNewline).map(String.init)
        guard let head = lines.first else { return [] }
        let columns = head.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, column) in columns.enumerated() { row[column] = i < cells.count ? cells[i] : "" }
            return row
        }
    }
}

