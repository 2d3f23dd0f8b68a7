/// The BIP141 witness commitment carried in a coinbase output:
/// commitment = SHA-256d(witness root ‖ witness reserved value), in the output script
/// `6a 24 aa21a9ed <32 bytes>` (OP_RETURN, push 36, the commitment header, the commitment).
/// The reserved value is the coinbase input's single 32-byte witness item (normally zero).
public struct WitnessCommitment: Hashable, Sendable, CustomStringConvertible {
    /// The 32 committed bytes, as they appear in the script.
    public let value: Bytes32

    public init(value: Bytes32) { self.value = value }

    /// Computes the commitment from the witness root (see `Merkle.witnessRoot`).
    public init(witnessRoot: MerkleNode, reservedValue: Bytes32 = .zero) {
        value = SHA256Hash.hash256(witnessRoot.wire, reservedValue)
    }

    /// OP_RETURN, push of 36 bytes, and the commitment header 0xaa21a9ed.
    public static let scriptPrefix: [UInt8] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]

    /// Core's MINIMUM_WITNESS_COMMITMENT: prefix + 32 bytes.
    public static let scriptSize = 38

    /// The 38-byte output script (what `getblocktemplate`'s `default_witness_commitment` holds).
    public var scriptPubKey: Script { Script(WitnessCommitment.scriptPrefix + value.bytes) }

    /// Reads the commitment from an output script that matches Core's pattern: at least 38 bytes
    /// starting with the prefix (bytes after the 38th are allowed and ignored, as in Core).
    public init?(scriptPubKey script: Script) {
        guard WitnessCommitment.matches(script), let value = Bytes32(script.bytes[6..<38]) else { return nil }
        self.value = value
    }

    /// Core's `GetWitnessCommitmentIndex`: the index of the **last** output whose script matches;
    /// nil when none does.
    public static func outputIndex(in outputs: [TxOut]) -> Int? {
        outputs.lastIndex { matches($0.scriptPubKey) }
    }

    /// The commitment a coinbase carries (from its last matching output), if any.
    public init?(coinbase: Transaction) {
        guard let index = WitnessCommitment.outputIndex(in: coinbase.outputs) else { return nil }
        self.init(scriptPubKey: coinbase.outputs[index].scriptPubKey)
    }

    static func matches(_ script: Script) -> Bool {
        script.count >= scriptSize && script.bytes.starts(with: scriptPrefix)
    }

    public var description: String { value.hex }
}
