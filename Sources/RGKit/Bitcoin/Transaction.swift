/// A Bitcoin transaction, decoded from the legacy or the BIP144 segwit serialisation.
///
/// Decoding follows Bitcoin Core's `UnserializeTransaction` with two deliberate refusals, the same
/// as rust-bitcoin:
/// - After the 0x00 marker, the flag must be 0x01. Core would read flag 0x00 as "no inputs, no
///   outputs" (a transaction that can never be valid) and throws on any other unknown flag.
/// - With the segwit flag, at least one input must have a non-empty witness stack; Core throws
///   "Superfluous witness record" otherwise. A transaction therefore has exactly one serialisation
///   of each kind, and `serialized()` reproduces the input bytes.
/// Every count is checked against Core's MAX_SIZE and against the bytes that remain before
/// anything is allocated, and CompactSize must be minimal. Decoding checks shape only; consensus rules (non-empty outputs,
/// amount ranges, …) belong to the checks that use it.
public struct Transaction: Hashable, Sendable {
    /// nVersion. Core has treated it as `uint32_t` since v28; it is serialised little-endian.
    public var version: UInt32
    public var inputs: [TxIn]
    public var outputs: [TxOut]
    public var lockTime: UInt32

    public init(version: UInt32, inputs: [TxIn], outputs: [TxOut], lockTime: UInt32) {
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
        self.lockTime = lockTime
    }

    /// Core's MAX_SIZE (0x02000000): the largest CompactSize its deserialiser accepts for any
    /// count or length. Larger values are `.tooLarge`; values the remaining bytes cannot hold are
    /// `.truncated`.
    public static let maxCompactSize = 0x0200_0000

    /// Smallest possible serialisation (one input with an empty script, no outputs): bounds a
    /// block's transaction count against its remaining bytes.
    static let minimumEncodedSize = 4 + 1 + TxIn.minimumEncodedSize + 1 + 4

    /// Decodes exactly one transaction; leftover bytes are an error.
    public init(bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        self = try Transaction.decode(from: &reader)
        try reader.expectEnd()
    }

    public init(hex: String) throws(DecodeError) {
        try self.init(bytes: try Hex.decode(hex))
    }

    /// Decodes one transaction at the reader's offset (inside a block, for example).
    public static func decode(from reader: inout ByteReader) throws(DecodeError) -> Transaction {
        let version = try reader.readLE(UInt32.self)
        var inputCount = try reader.readCount(limit: maxCompactSize, minimumElementSize: TxIn.minimumEncodedSize)
        var segwit = false
        if inputCount == 0 {
            let flagOffset = reader.offset
            let flag = try reader.readU8()
            guard flag == 1 else {
                throw DecodeError(.invalidValue, at: flagOffset, "segwit marker followed by flag \(flag), only 1 is defined")
            }
            segwit = true
            inputCount = try reader.readCount(limit: maxCompactSize, minimumElementSize: TxIn.minimumEncodedSize)
        }
        var inputs: [TxIn] = []
        inputs.reserveCapacity(inputCount)
        for _ in 0..<inputCount {
            let txid = Txid(wire: try reader.readBytes32())
            let vout = try reader.readLE(UInt32.self)
            let scriptLength = try reader.readCount(limit: maxCompactSize, minimumElementSize: 1)
            let script = Script(try reader.readArray(scriptLength))
            let sequence = try reader.readLE(UInt32.self)
            inputs.append(TxIn(prevout: OutPoint(txid: txid, vout: vout), scriptSig: script, sequence: sequence))
        }
        let outputCount = try reader.readCount(limit: maxCompactSize, minimumElementSize: TxOut.minimumEncodedSize)
        var outputs: [TxOut] = []
        outputs.reserveCapacity(outputCount)
        for _ in 0..<outputCount {
            let value = try reader.readLE(Int64.self)
            let scriptLength = try reader.readCount(limit: maxCompactSize, minimumElementSize: 1)
            outputs.append(TxOut(valueSat: value, scriptPubKey: Script(try reader.readArray(scriptLength))))
        }
        if segwit {
            let witnessStart = reader.offset
            var anyWitness = false
            for i in inputs.indices {
                // Each item takes at least its 1-byte length prefix.
                let itemCount = try reader.readCount(limit: maxCompactSize, minimumElementSize: 1)
                var stack: [[UInt8]] = []
                stack.reserveCapacity(itemCount)
                for _ in 0..<itemCount {
                    let length = try reader.readCount(limit: maxCompactSize, minimumElementSize: 1)
                    stack.append(try reader.readArray(length))
                }
                if itemCount > 0 { anyWitness = true }
                inputs[i].witness = stack
            }
            guard anyWitness else {
                throw DecodeError(.invalidValue, at: witnessStart, "segwit flag set but every witness stack is empty (superfluous witness record)")
            }
        }
        let lockTime = try reader.readLE(UInt32.self)
        return Transaction(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime)
    }

    /// Appends the serialisation. With `includingWitness`, the BIP144 form (marker 0x00, flag 0x01,
    /// witness stacks) is used only when some input has a witness, as Core does.
    public func encode(into writer: inout ByteWriter, includingWitness: Bool = true) {
        let extended = includingWitness && hasWitness
        writer.writeLE(version)
        if extended {
            writer.writeU8(0x00)
            writer.writeU8(0x01)
        }
        writer.writeCompactSize(inputs.count)
        for input in inputs {
            writer.write(input.prevout.txid.wire)
            writer.writeLE(input.prevout.vout)
            writer.writeCompactSize(input.scriptSig.count)
            writer.write(input.scriptSig.bytes)
            writer.writeLE(input.sequence)
        }
        writer.writeCompactSize(outputs.count)
        for output in outputs {
            writer.writeLE(output.valueSat)
            writer.writeCompactSize(output.scriptPubKey.count)
            writer.write(output.scriptPubKey.bytes)
        }
        if extended {
            for input in inputs {
                writer.writeCompactSize(input.witness.count)
                for item in input.witness {
                    writer.writeCompactSize(item.count)
                    writer.write(item)
                }
            }
        }
        writer.writeLE(lockTime)
    }

    /// The serialisation: with witness (what `getblocktemplate`'s `data` and blocks carry) or
    /// stripped (what the txid commits to).
    public func serialized(includingWitness: Bool = true) -> [UInt8] {
        var writer = ByteWriter(capacity: includingWitness ? size : strippedSize)
        encode(into: &writer, includingWitness: includingWitness)
        return writer.bytes
    }

    /// SHA-256d of the stripped serialisation.
    public var txid: Txid {
        Txid(wire: SHA256Hash.hash256(serialized(includingWitness: false)))
    }

    /// SHA-256d of the full serialisation; equals the txid without witness data. This is the
    /// transaction's own wtxid; the witness tree substitutes zero for the coinbase's.
    public var wtxid: Wtxid {
        hasWitness ? Wtxid(wire: SHA256Hash.hash256(serialized(includingWitness: true))) : Wtxid(wire: txid.wire)
    }

    /// True when some input has a non-empty witness stack (Core's `HasWitness`).
    public var hasWitness: Bool { inputs.contains { !$0.witness.isEmpty } }

    /// One input spending the null outpoint (Core's `IsCoinBase`).
    public var isCoinbase: Bool { inputs.count == 1 && inputs[0].prevout.isNull }

    /// Serialised size without marker, flag and witnesses (BIP141 "base size").
    public var strippedSize: Int {
        var n = 4 + ByteWriter.compactSizeLength(inputs.count) + ByteWriter.compactSizeLength(outputs.count) + 4
        for input in inputs {
            n += OutPoint.encodedSize + ByteWriter.compactSizeLength(input.scriptSig.count) + input.scriptSig.count + 4
        }
        for output in outputs {
            n += 8 + ByteWriter.compactSizeLength(output.scriptPubKey.count) + output.scriptPubKey.count
        }
        return n
    }

    /// Serialised size with witness data (BIP141 "total size"); equals `strippedSize` without witness.
    public var size: Int {
        guard hasWitness else { return strippedSize }
        var n = strippedSize + 2
        for input in inputs {
            n += ByteWriter.compactSizeLength(input.witness.count)
            for item in input.witness { n += ByteWriter.compactSizeLength(item.count) + item.count }
        }
        return n
    }

    /// BIP141 weight: 3 × stripped size + total size.
    public var weight: Int { 3 * strippedSize + size }

    /// Virtual size: weight / 4 rounded up.
    public var vsize: Int { (weight + 3) / 4 }

    /// Core's `GetLegacySigOpCount`: CHECKSIG-family opcodes in every scriptSig and scriptPubKey,
    /// CHECKMULTISIG counted as 20. P2SH and witness sigops need the spent outputs and are not here.
    public var legacySigOpCount: Int {
        inputs.reduce(0) { $0 + $1.scriptSig.sigOpCount() } + outputs.reduce(0) { $0 + $1.scriptPubKey.sigOpCount() }
    }

    /// The legacy count in BIP141 sigop-cost units (× WITNESS_SCALE_FACTOR).
    public var legacySigOpCost: Int { legacySigOpCount * 4 }
}
