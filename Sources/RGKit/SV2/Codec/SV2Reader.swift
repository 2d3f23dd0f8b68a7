/// A read cursor over one SV2 payload (bytes that came from the network). Every read checks its
/// bound before touching memory and throws `SV2Error` with the offset; nothing here traps on
/// hostile input. A whole-message decode ends with `expectEnd()`.
///
/// Length-prefixed types go through `readLength`, which checks the declared length against the
/// type's maximum and then against the bytes actually left, both before the caller allocates, so
/// a 5-byte payload announcing a 16 MiB B0_16M costs nothing.
public struct SV2Reader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    @inline(__always)
    private func need(_ count: Int, _ what: @autoclosure () -> String) throws(SV2Error) {
        guard count <= remaining else {
            throw SV2Error(.truncated, at: offset, "\(what()) needs \(count) bytes, \(remaining) left")
        }
    }

    public mutating func readU8() throws(SV2Error) -> UInt8 {
        try need(1, "U8")
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readU16() throws(SV2Error) -> UInt16 {
        try need(2, "U16")
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    /// U24 little-endian, returned widened; always `<= 0xFF_FFFF`.
    public mutating func readU24() throws(SV2Error) -> UInt32 {
        try need(3, "U24")
        defer { offset += 3 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
    }

    public mutating func readU32() throws(SV2Error) -> UInt32 {
        try need(4, "U32")
        defer { offset += 4 }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * i) }
        return value
    }

    public mutating func readU64() throws(SV2Error) -> UInt64 {
        try need(8, "U64")
        defer { offset += 8 }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * i) }
        return value
    }

    /// U256: the raw 32 bytes as sent (for hashes, Bitcoin's internal order; a target compares as
    /// a little-endian integer, which is what `Bytes32`'s `<` does).
    public mutating func readU256() throws(SV2Error) -> Bytes32 {
        let raw = try readBytes(32, "U256")
        guard let value = Bytes32(raw) else { throw SV2Error(.truncated, at: offset, "U256") }  // unreachable
        return value
    }

    /// `count` raw bytes (the spec's BYTES, or the body of a fixed-size field).
    public mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String = "BYTES")
        throws(SV2Error) -> ArraySlice<UInt8>
    {
        guard count >= 0 else { throw SV2Error(.lengthTooLarge, at: offset, "\(what()): negative length") }
        try need(count, what())
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Reads a length or count prefix of `prefixSize` bytes (1 = U8, 2 = U16 LE, 3 = U24 LE) and
    /// checks it in this order: above `max` → `lengthTooLarge`; more than the bytes left can hold
    /// (`count × minElementSize`) → `truncated`. Only then may the caller allocate `count` items.
    public mutating func readLength(prefixSize: Int, max: Int, minElementSize: Int = 1,
                                    _ what: @autoclosure () -> String) throws(SV2Error) -> Int
    {
        let start = offset
        let declared: Int
        switch prefixSize {
        case 1: declared = Int(try readU8())
        case 2: declared = Int(try readU16())
        default: declared = Int(try readU24())
        }
        guard declared <= max else {
            throw SV2Error(.lengthTooLarge, at: start, "\(what()) declares \(declared) > maximum \(max)")
        }
        let unit = Swift.max(1, minElementSize)
        guard declared <= remaining / unit else {   // division: no overflow for any declared value
            throw SV2Error(.truncated, at: start,
                           "\(what()) declares \(declared) × \(unit) bytes, \(remaining) left")
        }
        return declared
    }

    public mutating func read<T: SV2Codable>(_: T.Type = T.self) throws(SV2Error) -> T {
        try T(sv2: &self)
    }

    /// Ends a whole-message decode: leftover bytes are an error, never silently ignored.
    public func expectEnd() throws(SV2Error) {
        guard isAtEnd else { throw SV2Error(.trailingBytes, at: offset, "\(remaining) bytes left over") }
    }
}
