/// A read cursor over bytes that came from outside. Every read checks its bound first and
/// throws a `DecodeError` carrying the offset; nothing here traps on hostile input.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset == end }

    public mutating func readBytes(_ count: Int) throws(DecodeError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw DecodeError(.truncated, at: offset, "need \(count) bytes, have \(remaining)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func readArray(_ count: Int) throws(DecodeError) -> [UInt8] {
        Array(try readBytes(count))
    }

    public mutating func skip(_ count: Int) throws(DecodeError) {
        guard count >= 0, count <= remaining else {
            throw DecodeError(.truncated, at: offset, "need \(count) bytes, have \(remaining)")
        }
        offset += count
    }

    public mutating func readU8() throws(DecodeError) -> UInt8 {
        guard remaining >= 1 else { throw DecodeError(.truncated, at: offset, "need 1 byte, have 0") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// 32 bytes as an inline value (a hash, or a 256-bit little-endian integer).
    public mutating func readBytes32() throws(DecodeError) -> Bytes32 {
        guard remaining >= 32, let value = Bytes32(bytes[offset..<offset + 32]) else {
            throw DecodeError(.truncated, at: offset, "need 32 bytes, have \(remaining)")
        }
        offset += 32
        return value
    }

    /// A little-endian fixed-width integer.
    public mutating func readLE<T: FixedWidthInteger>(_: T.Type) throws(DecodeError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else {
            throw DecodeError(.truncated, at: offset, "need \(size) bytes, have \(remaining)")
        }
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    /// Bitcoin CompactSize, checked against `limit` before the caller allocates anything.
    /// Non-minimal forms are refused: they would give one transaction two serialisations.
    public mutating func readCompactSize(limit: Int) throws(DecodeError) -> Int {
        let start = offset
        let value: UInt64
        let minimum: UInt64
        switch try readU8() {
        case 0xFD: (value, minimum) = (UInt64(try readLE(UInt16.self)), 0xFD)
        case 0xFE: (value, minimum) = (UInt64(try readLE(UInt32.self)), 0x1_0000)
        case 0xFF: (value, minimum) = (try readLE(UInt64.self), 0x1_0000_0000)
        case let small: (value, minimum) = (UInt64(small), 0)
        }
        guard value >= minimum else { throw DecodeError(.nonMinimal, at: start, "CompactSize \(value)") }
        guard value <= UInt64(clamping: limit) else {
            throw DecodeError(.tooLarge, at: start, "CompactSize \(value) > limit \(limit)")
        }
        return Int(value)
    }

    /// A CompactSize count of elements that each take at least `minimumElementSize` bytes. Above
    /// `limit` is `.tooLarge`; more elements than the remaining bytes could hold is `.truncated`
    /// (the input ends too early). Both are decided before the caller allocates anything, so a
    /// hostile count costs nothing.
    public mutating func readCount(limit: Int, minimumElementSize: Int) throws(DecodeError) -> Int {
        let start = offset
        let count = try readCompactSize(limit: limit)
        guard minimumElementSize <= 0 || count <= remaining / minimumElementSize else {
            throw DecodeError(.truncated, at: start, "\(count) elements of at least \(minimumElementSize) bytes, \(remaining) bytes left")
        }
        return count
    }

    /// Ends a whole-message decode: leftover bytes are an error.
    public func expectEnd() throws(DecodeError) {
        guard isAtEnd else { throw DecodeError(.trailingBytes, at: offset, "\(remaining) bytes left over") }
    }
}
