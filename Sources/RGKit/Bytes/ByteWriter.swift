/// Appends little-endian integers, CompactSize and raw bytes; the encoder side of `ByteReader`.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func write<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    /// 32 bytes as stored (wire order for a hash).
    public mutating func write(_ value: Bytes32) {
        value.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    public mutating func writeU8(_ value: UInt8) { bytes.append(value) }

    public mutating func writeLE<T: FixedWidthInteger>(_ value: T) {
        for i in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    public mutating func writeCompactSize(_ value: Int) {
        precondition(value >= 0, "CompactSize of a negative count")   // callers pass counts, never input
        switch UInt64(value) {
        case ..<0xFD: writeU8(UInt8(value))
        case ...0xFFFF: writeU8(0xFD); writeLE(UInt16(value))
        case ...0xFFFF_FFFF: writeU8(0xFE); writeLE(UInt32(value))
        default: writeU8(0xFF); writeLE(UInt64(value))
        }
    }

    public static func compactSizeLength(_ value: Int) -> Int {
        switch value {
        case ..<0xFD: 1
        case ...0xFFFF: 3
        case ...0xFFFF_FFFF: 5
        default: 9
        }
    }
}
