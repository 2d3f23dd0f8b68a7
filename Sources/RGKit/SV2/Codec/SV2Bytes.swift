/// A length-prefixed byte string whose length can never exceed `Bound.maxLength`: the constructor
/// refuses longer input (`valueTooLong`) and the decoder refuses a longer declared length
/// (`lengthTooLarge`) before allocating. So encoding is total and can never emit bytes a peer
/// must reject.
public struct SV2Bytes<Bound: SV2LengthBound>: SV2Codable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public let bytes: [UInt8]

    public static var maxLength: Int { Bound.maxLength }
    public static var typeName: String { "B0_\(Bound.name)" }
    public static var minEncodedSize: Int { Bound.prefixSize }
    public static var empty: SV2Bytes { SV2Bytes(unchecked: []) }

    public init<C: Collection>(_ bytes: C) throws(SV2Error) where C.Element == UInt8 {
        guard bytes.count <= Bound.maxLength else {
            throw SV2Error(.valueTooLong, "\(Self.typeName) holds at most \(Bound.maxLength) bytes, got \(bytes.count)")
        }
        self.bytes = Array(bytes)
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// For literals in code and tests only; a literal that is too long is a programming error.
    public init(arrayLiteral elements: UInt8...) {
        precondition(elements.count <= Bound.maxLength, "\(Self.typeName) literal too long")
        self.bytes = elements
    }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }
    public var description: String { bytes.hex }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) {
        let count = try reader.readLength(prefixSize: Bound.prefixSize, max: Bound.maxLength, Self.typeName)
        self.bytes = Array(try reader.readBytes(count, Self.typeName))
    }

    public func encode(to writer: inout SV2Writer) {
        writer.writeLength(bytes.count, prefixSize: Bound.prefixSize)
        writer.writeBytes(bytes)
    }
}

/// B0_32: at most 32 bytes, U8 length (extranonce prefixes, extranonces).
public typealias B0_32 = SV2Bytes<SV2Max32>
/// B0_255: at most 255 bytes, U8 length.
public typealias B0_255 = SV2Bytes<SV2Max255>
/// B0_64K: at most 65535 bytes, U16 LE length (coinbase prefix/suffix).
public typealias B0_64K = SV2Bytes<SV2Max64K>
/// B0_16M: at most 2^24 − 1 bytes, U24 LE length.
public typealias B0_16M = SV2Bytes<SV2Max16M>

/// STR0_255: a U8 length then that many bytes of UTF-8, not NUL-terminated.
///
/// **Invalid UTF-8 is refused** (`invalidUTF8`), on decode and in the constructor. The spec says
/// these strings are UTF-8; accepting anything else would force either a lossy conversion (two
/// different wire identities becoming one `String`: a share credited to the wrong user) or
/// carrying raw bytes into logs, records and metric labels. A peer that sends malformed UTF-8 in
/// `SetupConnection` or `OpenStandardMiningChannel` gets a decode error; the caller can close the
/// connection or answer with an error message.
///
/// Stored as the exact bytes received. Equality is **byte** equality, not `String`'s Unicode
/// canonical equivalence, so "é" (U+00E9) and "e\u{301}" are different user identities, as they
/// are on the wire. NUL and control characters are valid UTF-8 and are accepted; whether a field
/// may contain them is for the layer that uses it.
///
/// Note: `Str0_255("literal")` is the string-literal initializer (it traps on a literal over 255
/// bytes, a programming error); `try Str0_255(someString)` is the checked one for runtime values.
public struct Str0_255: SV2Codable, ExpressibleByStringLiteral, CustomStringConvertible, Comparable {
    public static let maxLength = 255
    public static var minEncodedSize: Int { 1 }
    public static let empty = Str0_255(validated: [])

    /// The UTF-8 bytes exactly as sent or given (≤ 255).
    public let utf8: [UInt8]

    private init(validated utf8: [UInt8]) { self.utf8 = utf8 }

    /// From a Swift string; its UTF-8 form must be at most 255 bytes.
    public init(_ string: String) throws(SV2Error) {
        let utf8 = Array(string.utf8)
        guard utf8.count <= Self.maxLength else {
            throw SV2Error(.valueTooLong, "STR0_255 holds at most 255 UTF-8 bytes, got \(utf8.count)")
        }
        self.utf8 = utf8
    }

    /// From raw bytes, which must be well-formed UTF-8 and at most 255 bytes.
    public init<C: Collection>(utf8 bytes: C) throws(SV2Error) where C.Element == UInt8 {
        guard bytes.count <= Self.maxLength else {
            throw SV2Error(.valueTooLong, "STR0_255 holds at most 255 UTF-8 bytes, got \(bytes.count)")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw SV2Error(.invalidUTF8, "STR0_255 is not valid UTF-8")
        }
        self.utf8 = Array(bytes)
    }

    /// For literals in code and tests only; a literal over 255 bytes is a programming error.
    public init(stringLiteral value: String) {
        let utf8 = Array(value.utf8)
        precondition(utf8.count <= Self.maxLength, "STR0_255 literal longer than 255 bytes")
        self.utf8 = utf8
    }

    /// The text. Lossless: the bytes were validated as UTF-8 on the way in.
    public var string: String { String(decoding: utf8, as: UTF8.self) }
    public var description: String { string }
    public var isEmpty: Bool { utf8.isEmpty }

    public static func < (lhs: Str0_255, rhs: Str0_255) -> Bool { lhs.utf8.lexicographicallyPrecedes(rhs.utf8) }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) {
        let count = try reader.readLength(prefixSize: 1, max: Self.maxLength, "STR0_255")
        let start = reader.offset
        let raw = try reader.readBytes(count, "STR0_255")
        guard String(validating: raw, as: UTF8.self) != nil else {
            throw SV2Error(.invalidUTF8, at: start, "STR0_255 of \(count) bytes is not valid UTF-8")
        }
        self.utf8 = Array(raw)
    }

    public func encode(to writer: inout SV2Writer) {
        writer.writeU8(UInt8(truncatingIfNeeded: utf8.count))
        writer.writeBytes(utf8)
    }
}

/// PUBKEY: a 32-byte x-only secp256k1 public key (BIP340), fixed size, no prefix.
public struct SV2PublicKey: SV2Codable {
    public static var minEncodedSize: Int { 32 }
    public var xOnly: Bytes32

    public init(xOnly: Bytes32) { self.xOnly = xOnly }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { xOnly = try reader.readU256() }
    public func encode(to writer: inout SV2Writer) { writer.writeU256(xOnly) }
}

/// SIGNATURE: a 64-byte BIP340 Schnorr signature, fixed size, no prefix.
public struct SV2Signature: SV2Codable {
    public static var minEncodedSize: Int { 64 }
    /// The first 32 bytes (R's x coordinate) and the last 32 (s), as on the wire.
    public var r: Bytes32, s: Bytes32

    public init(r: Bytes32, s: Bytes32) { self.r = r; self.s = s }

    /// From exactly 64 bytes.
    public init<C: Collection>(_ bytes: C) throws(SV2Error) where C.Element == UInt8 {
        guard bytes.count == 64, let r = Bytes32(bytes.prefix(32)), let s = Bytes32(bytes.dropFirst(32)) else {
            throw SV2Error(.valueTooLong, "SIGNATURE is exactly 64 bytes, got \(bytes.count)")
        }
        self.r = r
        self.s = s
    }

    public var bytes: [UInt8] { r.bytes + s.bytes }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) {
        r = try reader.readU256()
        s = try reader.readU256()
    }

    public func encode(to writer: inout SV2Writer) {
        writer.writeU256(r)
        writer.writeU256(s)
    }
}
