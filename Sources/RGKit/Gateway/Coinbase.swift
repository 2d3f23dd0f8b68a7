/// The gateway's coinbase transaction, split around its extranonce.
///
/// `prefix ‖ extranonce ‖ suffix` is the transaction's txid serialisation (no BIP141 marker,
/// flag or witness): what SV2 calls `coinbase_tx_prefix` / `coinbase_tx_suffix` and Stratum V1
/// `coinb1` / `coinb2`. The txid of that serialisation, folded with the template's merkle branch,
/// gives the header's merkle root. The block itself carries the witness form when segwit is
/// active and the coinbase has a witness commitment: marker and flag after the version, and the
/// one-item witness (the 32-byte reserved value, zero) before nLockTime.
public struct Coinbase: Hashable, Sendable {
    public let prefix: [UInt8]
    public let suffix: [UInt8]
    public let extranonceSize: Int
    /// The coinbase witness (BIP141 reserved value) the block must carry; nil when none.
    public let witnessReservedValue: Bytes32?
    public let payoutValueSat: Int64

    /// Why a coinbase could not be built. Equality compares `code` only.
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable {
            case scriptSigTooLong = "coinbase_scriptsig_too_long"
            case invalidExtranonceSize = "invalid_extranonce_size"
            case invalidCommitment = "invalid_witness_commitment"
            case commitmentMismatch = "witness_commitment_mismatch"
            case missingTransactionData = "missing_transaction_data"
            case missingTxid = "missing_txid"
            case invalidPrevHash = "invalid_prev_hash"
            case invalidBits = "invalid_bits"
        }
        public let code: Code
        public let detail: String
        public init(_ code: Code, _ detail: String) { self.code = code; self.detail = detail }
        public static func == (a: Error, b: Error) -> Bool { a.code == b.code }
        public var description: String { "\(code.rawValue): \(detail)" }
    }

    /// Builds the coinbase for a block at `height`.
    /// - Parameters:
    ///   - commitmentScript: the witness commitment output script (`6a24aa21a9ed…`), or nil.
    ///   - segwitActive: whether the block must carry the coinbase witness when a commitment is
    ///     present (before activation a witness makes the block invalid: "unexpected-witness").
    public init(height: Int64, coinbaseAux: [String: [UInt8]], coinbaseValueSat: Int64, commitmentScript: [UInt8]?,
                segwitActive: Bool, payout: Payout, layout: CoinbaseLayout) throws(Coinbase.Error) {
        guard (1...32).contains(layout.extranonceSize) else {
            throw Error(.invalidExtranonceSize, "extranonce size \(layout.extranonceSize) is outside 1...32 (SV2 B0_32)")
        }
        var head = BIP34.heightPush(height)
        if head.count < 2 { head.append(Opcode.op0) }        // heights 0...16 push one byte; Core pads with OP_0
        for key in coinbaseAux.keys.sorted() { head += coinbaseAux[key] ?? [] }
        head += layout.scriptSigBeforeExtranonce
        let tail = layout.scriptSigAfterExtranonce
        let scriptLength = head.count + layout.extranonceSize + tail.count
        guard scriptLength <= 100 else {
            throw Error(.scriptSigTooLong, "coinbase scriptSig of \(scriptLength) bytes exceeds 100 (bad-cb-length); shorten the tag or the extranonce")
        }
        if let script = commitmentScript {
            guard WitnessCommitment(scriptPubKey: Script(script)) != nil else {
                throw Error(.invalidCommitment, "default_witness_commitment \(Hex.encode(script)) is not a witness commitment script")
            }
        }

        var p = ByteWriter(capacity: 64 + head.count)
        p.writeLE(layout.transactionVersion)
        p.writeCompactSize(1)
        p.write(Bytes32.zero)
        p.writeLE(UInt32.max)
        p.writeCompactSize(scriptLength)
        p.write(head)

        var outputs: [TxOut] = [TxOut(valueSat: coinbaseValueSat, scriptPubKey: payout.scriptPubKey)]
        if let script = commitmentScript {
            let commitment = TxOut(valueSat: 0, scriptPubKey: Script(script))
            if layout.commitmentFirst { outputs.insert(commitment, at: 0) } else { outputs.append(commitment) }
        }
        var s = ByteWriter(capacity: 128 + tail.count)
        s.write(tail)
        s.writeLE(layout.sequence)
        s.writeCompactSize(outputs.count)
        for output in outputs {
            s.writeLE(output.valueSat)
            s.writeCompactSize(output.scriptPubKey.count)
            s.write(output.scriptPubKey.bytes)
        }
        switch layout.lockTime {
        case .heightMinusOne: s.writeLE(UInt32(clamping: max(0, height - 1)))
        case .fixed(let value): s.writeLE(value)
        }
        prefix = p.bytes
        suffix = s.bytes
        extranonceSize = layout.extranonceSize
        witnessReservedValue = segwitActive && commitmentScript != nil ? .zero : nil
        payoutValueSat = coinbaseValueSat
    }

    /// Reassembles a coinbase from known halves (a peer's `coinbase_tx_prefix`/`suffix`).
    public init(prefix: [UInt8], suffix: [UInt8], extranonceSize: Int, witnessReservedValue: Bytes32?, payoutValueSat: Int64) {
        self.prefix = prefix
        self.suffix = suffix
        self.extranonceSize = extranonceSize
        self.witnessReservedValue = witnessReservedValue
        self.payoutValueSat = payoutValueSat
    }

    /// The txid serialisation with `extranonce` (which must be `extranonceSize` bytes).
    public func strippedBytes<C: Collection>(extranonce: C) -> [UInt8] where C.Element == UInt8 {
        prefix + extranonce + suffix
    }

    /// The serialisation the block carries: with the witness when there is one.
    public func blockBytes<C: Collection>(extranonce: C) -> [UInt8] where C.Element == UInt8 {
        guard let reserved = witnessReservedValue else { return strippedBytes(extranonce: extranonce) }
        var w = ByteWriter(capacity: prefix.count + suffix.count + extranonceSize + 40)
        w.write(prefix[0..<4])                   // nVersion
        w.writeU8(0x00)                          // BIP144 marker
        w.writeU8(0x01)                          // flag
        w.write(prefix[4...])
        w.write(extranonce)
        w.write(suffix[..<(suffix.count - 4)])
        w.writeCompactSize(1)                    // one witness item…
        w.writeCompactSize(32)                   // …of 32 bytes: the reserved value
        w.write(reserved)
        w.write(suffix[(suffix.count - 4)...])   // nLockTime
        return w.bytes
    }

    /// SHA-256d of the txid serialisation with `extranonce`, without joining it in a heap buffer
    /// when it fits the stack.
    public func txid(extranonce: UnsafeRawBufferPointer) -> Txid {
        let total = prefix.count + extranonce.count + suffix.count
        return withUnsafeTemporaryAllocation(byteCount: total, alignment: 8) { buffer in
            prefix.withUnsafeBytes { buffer.copyMemory(from: $0) }
            if extranonce.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.count...]).copyMemory(from: extranonce)
            }
            suffix.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[(prefix.count + extranonce.count)...]).copyMemory(from: $0)
            }
            return Txid(wire: SHA256Hash.hash256(UnsafeRawBufferPointer(buffer)))
        }
    }

    public func txid(extranonce: [UInt8]) -> Txid {
        extranonce.withUnsafeBytes { txid(extranonce: $0) }
    }
}
