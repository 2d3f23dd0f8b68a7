/// Exactly 32 bytes, stored inline (no heap), in the order they were given. The hash types of
/// the Bitcoin layer wrap it so that a txid and a block hash cannot be mixed up.
public struct Bytes32: Hashable, Sendable, Comparable {
    // Four little-endian words, so `bytes[i]` is byte i of the original sequence.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public static let zero = Bytes32(w0: 0, w1: 0, w2: 0, w3: 0)

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// From exactly 32 bytes; nil for any other count.
    public init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard bytes.count == 32 else { return nil }
        var value = Bytes32.zero
        withUnsafeMutableBytes(of: &value) { raw in
            var i = 0
            for b in bytes { raw[i] = b; i += 1 }
        }
        self = value
    }

    /// From a pointer to at least 32 readable bytes.
    public init(unsafeFrom raw: UnsafeRawPointer) {
        var value = Bytes32.zero
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: 32)) }
        self = value
    }

    public var bytes: [UInt8] { Swift.withUnsafeBytes(of: self) { Array($0) } }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: self, body)
    }

    public var reversed: Bytes32 {
        Bytes32(w0: w3.byteSwapped, w1: w2.byteSwapped, w2: w1.byteSwapped, w3: w0.byteSwapped)
    }

    public var hex: String { Hex.encode(bytes) }

    /// Parses 64 hex digits in the given order.
    public init(hex: String) throws(DecodeError) {
        let decoded = try Hex.decode(hex)
        guard let value = Bytes32(decoded) else {
            throw DecodeError(.invalidValue, "expected 32 bytes (64 hex digits), got \(decoded.count)")
        }
        self = value
    }

    /// Parses exactly 64 ASCII hex digits without an intermediate array; with `reversed`, the
    /// text is display order (how RPC prints hashes) and the value is stored in internal order.
    public init?(hexASCII text: ArraySlice<UInt8>, reversed: Bool) {
        guard text.count == 64 else { return nil }
        let parsed: Bytes32? = text.withUnsafeBytes { ascii in
            var value = Bytes32.zero
            var bad: UInt8 = 0
            Hex.nibbleTable.withUnsafeBufferPointer { table in
                Swift.withUnsafeMutableBytes(of: &value) { out in
                    for i in 0..<32 {
                        let hi = table[Int(ascii[2 * i])]
                        let lo = table[Int(ascii[2 * i + 1])]
                        bad |= (hi | lo) & 0xF0
                        out[reversed ? 31 - i : i] = hi << 4 | lo & 0x0F
                    }
                }
            }
            return bad == 0 ? value : nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Compares as 256-bit little-endian integers (how hashes are compared with targets).
    public static func < (lhs: Bytes32, rhs: Bytes32) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }
}
