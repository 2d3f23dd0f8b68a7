/// A transaction input. `witness` is the BIP141 witness stack (empty for a legacy input); it is
/// not part of the txid serialisation.
public struct TxIn: Hashable, Sendable {
    public var prevout: OutPoint
    public var scriptSig: Script
    public var sequence: UInt32
    public var witness: [[UInt8]]

    public init(prevout: OutPoint, scriptSig: Script, sequence: UInt32, witness: [[UInt8]] = []) {
        self.prevout = prevout
        self.scriptSig = scriptSig
        self.sequence = sequence
        self.witness = witness
    }

    /// Smallest serialised input: outpoint, a 1-byte empty script length, sequence. Used to bound
    /// an input count against the bytes that remain before anything is allocated.
    static let minimumEncodedSize = OutPoint.encodedSize + 1 + 4
}
