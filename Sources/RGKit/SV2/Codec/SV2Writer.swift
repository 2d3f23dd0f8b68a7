/// Appends SV2 fields, little-endian; the encoder side of `SV2Reader`. Encoding cannot fail: every
/// bounded type (`Str0_255`, `B0_32`, `Seq0_64K`, …) checked its size when it was constructed.
public struct SV2Writer: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func writeU8(_ value: UInt8) { bytes.append(value) }

    public mutating func writeU16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// U24 little-endian. Callers pass lengths already bounded by a type maximum.
    public mutating func writeU24(_ value: UInt32) {
        precondition(value <= 0xFF_FFFF, "U24 overflow: \(value)")   // encoder invariant, never input
        for i in 0..<3 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    public mutating func writeU32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    public mutating func writeU64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    public mutating func writeU256(_ value: Bytes32) {
        value.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    public mutating func writeBytes<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    /// A length or count prefix of `prefixSize` bytes (1, 2 or 3), the mirror of `SV2Reader.readLength`.
    public mutating func writeLength(_ length: Int, prefixSize: Int) {
        switch prefixSize {
        case 1: writeU8(UInt8(truncatingIfNeeded: length))
        case 2: writeU16(UInt16(truncatingIfNeeded: length))
        default: writeU24(UInt32(truncatingIfNeeded: length))
        }
    }

    public mutating func write<T: SV2Codable>(_ value: T) {
        value.encode(to: &self)
    }
}
