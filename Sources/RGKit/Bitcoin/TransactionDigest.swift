import Crypto

/// What the template verifier needs from one raw transaction, measured in a single pass over the
/// bytes without building a `Transaction` and without copying: ids, sizes, weight, the legacy sigop
/// count and the input/output counts.
///
/// The txid is computed by feeding the stripped serialisation's three byte ranges (version,
/// inputs + outputs, lock time) to one incremental SHA-256, so a segwit transaction is never
/// re-serialised. The parsing rules (limits, minimal CompactSize, segwit flag 1 only, no
/// superfluous witness, leftover bytes) are exactly `Transaction.decode`'s, and a test checks that
/// both agree on every transaction of block 702861.
public struct TransactionDigest: Hashable, Sendable {
    public let txid: Txid
    /// The transaction's own wtxid (equal to the txid without witness data).
    public let wtxid: Wtxid
    /// Total serialised size, witness included.
    public let size: Int
    /// Size without marker, flag and witnesses.
    public let strippedSize: Int
    /// Core's `GetLegacySigOpCount` (not × 4).
    public let legacySigOpCount: Int
    public let hasWitness: Bool
    public let isCoinbase: Bool
    public let inputCount: Int
    public let outputCount: Int

    /// BIP141 weight: 3 × stripped size + total size.
    public var weight: Int { 3 * strippedSize + size }
    /// weight / 4 rounded up.
    public var vsize: Int { (weight + 3) / 4 }
    /// Legacy sigops in BIP141 cost units (× 4).
    public var legacySigOpCost: Int { legacySigOpCount * 4 }

    /// Measures exactly one transaction occupying all of `raw`; leftover bytes are an error.
    public static func measure(_ raw: UnsafeRawBufferPointer) throws(DecodeError) -> TransactionDigest {
        let (digest, end) = try measure(raw, from: 0)
        guard end == raw.count else {
            throw DecodeError(.trailingBytes, at: end, "\(raw.count - end) bytes left over")
        }
        return digest
    }

    /// Convenience over an array.
    public static func measure(_ raw: [UInt8]) throws(DecodeError) -> TransactionDigest {
        let result: Result<TransactionDigest, DecodeError> = raw.withUnsafeBytes { buffer in
            do throws(DecodeError) { return .success(try measure(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Measures the transaction that starts at `start` and returns it with the offset just past it
    /// (for walking the transactions of a block). Offsets in errors are relative to `raw`.
    public static func measure(_ raw: UnsafeRawBufferPointer, from start: Int) throws(DecodeError) -> (TransactionDigest, end: Int) {
        guard start >= 0, start <= raw.count else {
            throw DecodeError(.truncated, at: start, "start \(start) is outside the \(raw.count) bytes given")
        }
        var c = RawCursor(raw, at: start)
        try c.skip(4)                                                    // version
        let afterVersion = c.offset
        var inputCount = try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: TxIn.minimumEncodedSize)
        var segwit = false
        var strippedBodyStart = afterVersion
        if inputCount == 0 {
            let flagOffset = c.offset
            let flag = try c.readU8()
            guard flag == 1 else {
                throw DecodeError(.invalidValue, at: flagOffset, "segwit marker followed by flag \(flag), only 1 is defined")
            }
            segwit = true
            strippedBodyStart = c.offset
            inputCount = try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: TxIn.minimumEncodedSize)
        }
        var sigops = 0
        var isCoinbase = false
        for i in 0..<inputCount {
            let prevout = c.offset
            try c.skip(32)                                               // prevout txid
            try c.skip(4)                                                // prevout index
            if i == 0, inputCount == 1 { isCoinbase = RawCursor.isNullOutPoint(raw, at: prevout) }
            let scriptLength = try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: 1)
            sigops += Script.sigOpCount(try c.slice(scriptLength), accurate: false)
            try c.skip(4)                                                // sequence
        }
        let outputCount = try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: TxOut.minimumEncodedSize)
        for _ in 0..<outputCount {
            try c.skip(8)                                                // value
            let scriptLength = try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: 1)
            sigops += Script.sigOpCount(try c.slice(scriptLength), accurate: false)
        }
        let strippedBodyEnd = c.offset
        if segwit {
            let witnessStart = c.offset
            var anyWitness = false
            for _ in 0..<inputCount {
                let itemCount = try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: 1)
                if itemCount > 0 { anyWitness = true }
                for _ in 0..<itemCount {
                    try c.skip(try c.readCount(limit: Transaction.maxCompactSize, minimumElementSize: 1))
                }
            }
            guard anyWitness else {
                throw DecodeError(.invalidValue, at: witnessStart, "segwit flag set but every witness stack is empty (superfluous witness record)")
            }
        }
        let lockTimeOffset = c.offset
        try c.skip(4)
        let end = c.offset

        let whole = UnsafeRawBufferPointer(rebasing: raw[start..<end])
        let wtxidWire = SHA256Hash.hash256(whole)
        let txidWire: Bytes32
        let strippedSize: Int
        if segwit {
            var hasher = Crypto.SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[start..<afterVersion]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[strippedBodyStart..<strippedBodyEnd]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[lockTimeOffset..<end]))
            txidWire = hasher.finalize().withUnsafeBytes { SHA256Hash.hash($0) }
            strippedSize = 4 + (strippedBodyEnd - strippedBodyStart) + 4
        } else {
            txidWire = wtxidWire
            strippedSize = end - start
        }
        let digest = TransactionDigest(
            txid: Txid(wire: txidWire), wtxid: Wtxid(wire: wtxidWire),
            size: end - start, strippedSize: strippedSize, legacySigOpCount: sigops,
            hasWitness: segwit, isCoinbase: isCoinbase, inputCount: inputCount, outputCount: outputCount)
        return (digest, end)
    }
}

/// A bounds-checked read cursor over borrowed bytes: `ByteReader`'s rules (truncation, minimal
/// CompactSize, limits checked first) without owning or copying the buffer.
struct RawCursor {
    let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, at offset: Int) {
        self.buffer = buffer
        self.offset = offset
    }

    var remaining: Int { buffer.count - offset }

    @inline(__always)
    mutating func skip(_ count: Int) throws(DecodeError) {
        guard count >= 0, count <= remaining else {
            throw DecodeError(.truncated, at: offset, "need \(count) bytes, have \(remaining)")
        }
        offset += count
    }

    /// The next `count` bytes, borrowed.
    @inline(__always)
    mutating func slice(_ count: Int) throws(DecodeError) -> UnsafeRawBufferPointer {
        let start = offset
        try skip(count)
        return UnsafeRawBufferPointer(rebasing: buffer[start..<offset])
    }

    @inline(__always)
    mutating func readU8() throws(DecodeError) -> UInt8 {
        guard remaining >= 1 else { throw DecodeError(.truncated, at: offset, "need 1 byte, have 0") }
        defer { offset += 1 }
        return buffer[offset]
    }

    @inline(__always)
    private mutating func readLE(bytes count: Int) throws(DecodeError) -> UInt64 {
        guard remaining >= count else {
            throw DecodeError(.truncated, at: offset, "need \(count) bytes, have \(remaining)")
        }
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(buffer[offset + i]) << (8 * i) }
        offset += count
        return value
    }

    /// Same rules as `ByteReader.readCompactSize(limit:)`.
    @inline(__always)
    mutating func readCompactSize(limit: Int) throws(DecodeError) -> Int {
        let start = offset
        let first = try readU8()
        let value: UInt64
        let minimum: UInt64
        switch first {
        case 0xFD: (value, minimum) = (try readLE(bytes: 2), 0xFD)
        case 0xFE: (value, minimum) = (try readLE(bytes: 4), 0x1_0000)
        case 0xFF: (value, minimum) = (try readLE(bytes: 8), 0x1_0000_0000)
        default: return try checked(UInt64(first), start: start, limit: limit)
        }
        guard value >= minimum else { throw DecodeError(.nonMinimal, at: start, "CompactSize \(value)") }
        return try checked(value, start: start, limit: limit)
    }

    @inline(__always)
    private func checked(_ value: UInt64, start: Int, limit: Int) throws(DecodeError) -> Int {
        guard value <= UInt64(clamping: limit) else {
            throw DecodeError(.tooLarge, at: start, "CompactSize \(value) > limit \(limit)")
        }
        return Int(value)
    }

    /// Same rules as `ByteReader.readCount(limit:minimumElementSize:)`.
    @inline(__always)
    mutating func readCount(limit: Int, minimumElementSize: Int) throws(DecodeError) -> Int {
        let start = offset
        let count = try readCompactSize(limit: limit)
        guard minimumElementSize <= 0 || count <= remaining / minimumElementSize else {
            throw DecodeError(.truncated, at: start, "\(count) elements of at least \(minimumElementSize) bytes, \(remaining) bytes left")
        }
        return count
    }

    /// Whether the 36 bytes at `offset` are the null outpoint (zero txid, index 0xffffffff).
    static func isNullOutPoint(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        for i in 0..<32 where buffer[offset + i] != 0 { return false }
        for i in 32..<36 where buffer[offset + i] != 0xff { return false }
        return true
    }
}
