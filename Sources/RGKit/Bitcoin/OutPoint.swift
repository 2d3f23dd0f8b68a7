/// A reference to an output of an earlier transaction: its txid (wire order) and output index.
public struct OutPoint: Hashable, Sendable {
    public var txid: Txid
    public var vout: UInt32

    public init(txid: Txid, vout: UInt32) {
        self.txid = txid
        self.vout = vout
    }

    /// The coinbase input's prevout: zero txid, index 0xffffffff (Core's `COutPoint::IsNull`).
    public static let null = OutPoint(txid: .zero, vout: .max)

    public var isNull: Bool { txid.wire == .zero && vout == .max }

    /// Serialised size: 32-byte txid + 4-byte index.
    public static let encodedSize = 36
}
