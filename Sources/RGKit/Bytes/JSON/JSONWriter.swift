/// Builds one JSON text into a byte buffer, fields in the order they are written. Used for
/// records, where a fixed field order makes output diffable and byte-for-byte reproducible.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Bit `depth - 1` set: the open container at that depth already holds a value, so the
    /// next one needs a comma. A bit stack instead of an array: a record is written per share,
    /// and the array cost an allocation each time.
    private var commaBits: UInt64 = 0
    private var depth = 0
    /// The same for containers nested deeper than 64 (re-emitted input can be that deep).
    private var deepCommas: [Bool] = []

    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Continues writing after what `buffer` already holds (whole texts, e.g. NDJSON lines):
    /// records are encoded straight into the sink's output buffer instead of an array each.
    /// Empty the caller's variable right after (`line = []`) so the writer's buffer is unique
    /// and appending does not copy it.
    public init(appendingTo buffer: [UInt8]) {
        bytes = buffer
    }

    /// Hands the buffer back without copying it and leaves the writer empty.
    public mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes = []
        return taken
    }

    // MARK: containers

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); open() }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); close() }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); open() }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); close() }

    private mutating func open() {
        depth += 1
        if depth <= 64 { commaBits &= ~(1 << UInt64(depth - 1)) } else { deepCommas.append(false) }
    }

    private mutating func close() {
        precondition(depth > 0, "JSONWriter: closing a container that was never opened")
        if depth > 64 { deepCommas.removeLast() }
        depth -= 1
    }

    /// Writes `"name":`; the next value call writes the value.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        pendingValueAfterKey = true
    }

    public mutating func key(_ name: String) {
        separate()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        pendingValueAfterKey = true
    }

    private var pendingValueAfterKey = false

    private mutating func separate() {
        if pendingValueAfterKey { pendingValueAfterKey = false; return }
        guard depth > 0 else { return }
        if depth > 64 {
            if deepCommas[deepCommas.count - 1] { bytes.append(UInt8(ascii: ",")) }
            deepCommas[deepCommas.count - 1] = true
            return
        }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if commaBits & bit != 0 { bytes.append(UInt8(ascii: ",")) }
        commaBits |= bit
    }

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    // MARK: values

    public mutating func null() { separate(); append("null") }
    public mutating func bool(_ value: Bool) { separate(); if value { append("true") } else { append("false") } }
    public mutating func int<T: BinaryInteger>(_ value: T) {
        separate()
        // Digits written straight into the buffer: String(value) allocated on every number.
        if let v = Int64(exactly: value) {
            appendDecimal(v)
        } else {
            bytes.append(contentsOf: Array(String(value).utf8))
        }
    }

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes, room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: raw[(24 - count)...])
        }
    }

    /// Finite doubles in the shortest form that round-trips; non-finite values become null
    /// (JSON has no NaN).
    public mutating func double(_ value: Double) {
        guard value.isFinite else { null(); return }
        separate()
        if value == value.rounded(), abs(value) < 1e15 {
            appendDecimal(Int64(value))
        } else {
            // `description` is the shortest round-tripping form; it fits a small (inline)
            // string, so nothing is allocated on the way.
            var text = value.description
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
    }

    public mutating func string(_ value: String) { separate(); appendEscaped(value) }

    /// A string known to need no escaping (hex, codes): copied as is.
    public mutating func asciiString<C: Collection>(_ value: C) where C.Element == UInt8 {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Already-encoded JSON copied verbatim (a template carried through unchanged).
    public mutating func raw<C: Collection>(_ json: C) where C.Element == UInt8 {
        separate()
        bytes.append(contentsOf: json)
    }

    // Convenience: key + value.
    public mutating func field(_ name: StaticString, _ value: String?) { key(name); if let value { string(value) } else { null() } }
    public mutating func field<T: BinaryInteger>(_ name: StaticString, _ value: T?) { key(name); if let value { int(value) } else { null() } }
    public mutating func field(_ name: StaticString, _ value: Bool?) { key(name); if let value { bool(value) } else { null() } }
    public mutating func field(_ name: StaticString, _ value: Double?) { key(name); if let value { double(value) } else { null() } }

    private mutating func appendEscaped(_ value: String) {
        var value = value
        let plain = value.withUTF8 { utf8 -> Bool in
            // Most strings (hex, codes, ids) need no escaping: copy them in one go.
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if plain { return }
        bytes.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Hex.digits[Int(b >> 4)])
                bytes.append(Hex.digits[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
