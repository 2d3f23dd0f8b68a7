/// A value with one SV2 wire form. `init(sv2:)` and `encode(to:)` of a type live together, in one
/// file, and read/write the fields in the same order (stratum-v2.md §2, §3: field order = wire order).
///
/// Swift types map to the spec's data types like this:
///
/// | spec | Swift |
/// | --- | --- |
/// | U8 / U16 / U32 / U64 | `UInt8` / `UInt16` / `UInt32` / `UInt64` (little-endian) |
/// | U24 | `U24` (≤ 2^24 − 1, little-endian) |
/// | U256 | `Bytes32`, the 32 bytes exactly as sent (internal byte order) |
/// | F32 | `Float` (IEEE-754 single, little-endian bit pattern) |
/// | BOOL | `Bool` (only the low bit is read; `true` is sent as 0x01) |
/// | STR0_255 | `Str0_255` |
/// | B0_32 / B0_255 / B0_64K / B0_16M | `B0_32` / `B0_255` / `B0_64K` / `B0_16M` |
/// | OPTION[T] | `T?` |
/// | SEQ0_255[T] / SEQ0_64K[T] | `Seq0_255<T>` / `Seq0_64K<T>` |
/// | PUBKEY / SIGNATURE | `SV2PublicKey` (32) / `SV2Signature` (64) |
public protocol SV2Codable: Hashable, Sendable {
    /// The fewest bytes any value of this type occupies on the wire (≥ 1). A sequence count is
    /// checked against `remaining / minEncodedSize` before a single element is allocated.
    static var minEncodedSize: Int { get }
    /// Reads one value; the caller (a message decode) checks `expectEnd()` at the very end.
    init(sv2 reader: inout SV2Reader) throws(SV2Error)
    func encode(to writer: inout SV2Writer)
}

extension SV2Codable {
    /// The value's wire bytes.
    public var sv2Bytes: [UInt8] {
        var writer = SV2Writer(capacity: Self.minEncodedSize)
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes exactly one value from `bytes`; leftover bytes are `trailingBytes`.
    public init(sv2Bytes bytes: [UInt8]) throws(SV2Error) {
        var reader = SV2Reader(bytes)
        self = try Self(sv2: &reader)
        try reader.expectEnd()
    }
}

// MARK: - Fixed-size scalars

extension UInt8: SV2Codable {               // U8
    public static var minEncodedSize: Int { 1 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = try reader.readU8() }
    public func encode(to writer: inout SV2Writer) { writer.writeU8(self) }
}

extension UInt16: SV2Codable {              // U16
    public static var minEncodedSize: Int { 2 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = try reader.readU16() }
    public func encode(to writer: inout SV2Writer) { writer.writeU16(self) }
}

extension UInt32: SV2Codable {              // U32
    public static var minEncodedSize: Int { 4 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = try reader.readU32() }
    public func encode(to writer: inout SV2Writer) { writer.writeU32(self) }
}

extension UInt64: SV2Codable {              // U64
    public static var minEncodedSize: Int { 8 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = try reader.readU64() }
    public func encode(to writer: inout SV2Writer) { writer.writeU64(self) }
}

/// U24: unsigned 24-bit little-endian (the frame's `msg_length`, B0_16M's length prefix). A type of
/// its own so that a value above 2^24 − 1 cannot be built (`valueTooLong`) and never reaches a writer.
public struct U24: SV2Codable, Comparable, CustomStringConvertible {
    public static let max = U24(unchecked: 0xFF_FFFF)
    public static var minEncodedSize: Int { 3 }

    public let value: UInt32

    public init<I: BinaryInteger>(_ value: I) throws(SV2Error) {
        guard value >= 0, value <= 0xFF_FFFF else { throw SV2Error(.valueTooLong, "U24 holds 0...16777215, got \(value)") }
        self.value = UInt32(truncatingIfNeeded: value)
    }

    private init(unchecked value: UInt32) { self.value = value }

    public var description: String { String(value) }
    public static func < (lhs: U24, rhs: U24) -> Bool { lhs.value < rhs.value }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { value = try reader.readU24() }
    public func encode(to writer: inout SV2Writer) { writer.writeU24(value) }
}

extension Bytes32: SV2Codable {             // U256
    public static var minEncodedSize: Int { 32 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = try reader.readU256() }
    public func encode(to writer: inout SV2Writer) { writer.writeU256(self) }
}

/// F32: IEEE-754 single precision, little-endian. Not in the spec's type table but used by the spec
/// and SRI for `nominal_hash_rate`. Every bit pattern decodes (NaN, ∞, negative): judging the value
/// (`invalid-nominal-hashrate`) is the channel logic's job, not the codec's. NaN payload bits are
/// kept, so decode → encode gives the same four bytes; note that `Float` equality follows IEEE
/// (a message holding NaN is not `==` to itself).
extension Float: SV2Codable {
    public static var minEncodedSize: Int { 4 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = Float(bitPattern: try reader.readU32()) }
    public func encode(to writer: inout SV2Writer) { writer.writeU32(bitPattern) }
}

/// BOOL: one byte, only the least significant bit counts. The spec: "Recipients MUST NOT interpret
/// bits outside of the least significant bit. Senders MAY set bits outside of the least significant
/// bit", so 0x02 decodes as `false` and 0xFF as `true`. We always send 0x00 / 0x01.
extension Bool: SV2Codable {
    public static var minEncodedSize: Int { 1 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self = try reader.readU8() & 1 == 1 }
    public func encode(to writer: inout SV2Writer) { writer.writeU8(self ? 1 : 0) }
}

// MARK: - OPTION[T]

/// OPTION[T] (the spec's SEQ0_1): a count byte 0 (absent) or 1 followed by T. Any other count is
/// `invalidOption`, as in SRI.
extension Optional: SV2Codable where Wrapped: SV2Codable {
    public static var minEncodedSize: Int { 1 }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) {
        let start = reader.offset
        switch try reader.readU8() {
        case 0: self = .none
        case 1: self = .some(try Wrapped(sv2: &reader))
        case let count: throw SV2Error(.invalidOption, at: start, "OPTION count \(count), must be 0 or 1")
        }
    }

    public func encode(to writer: inout SV2Writer) {
        switch self {
        case .none: writer.writeU8(0)
        case .some(let value): writer.writeU8(1); value.encode(to: &writer)
        }
    }
}
