/// How the gateway writes its coinbase transaction, apart from what the template dictates.
///
/// The scriptSig is always, in this order:
///
///     BIP34 height push (padded with OP_0 to ≥ 2 bytes) ‖ coinbaseaux values (sorted keys)
///     ‖ scriptSigBeforeExtranonce ‖ extranonce (extranonceSize bytes) ‖ scriptSigAfterExtranonce
///
/// and must stay within Bitcoin's 2...100 bytes ("bad-cb-length"). The outputs are the payout
/// (paying the whole `coinbasevalue`) and, when the template has one, the BIP141 witness
/// commitment — after the payout by default, as Core does (`commitmentFirst` puts it first, as
/// some pools do; consensus takes the last matching output either way).
///
/// `standard(tag:extranonceSize:)` is the gateway's own layout: the extranonce as one push
/// and the operator tag as another, so the scriptSig parses as clean pushes. The other fields
/// exist so that another pool's coinbase (the js2pool test vectors, for one) can be reproduced
/// byte for byte.
public struct CoinbaseLayout: Hashable, Sendable {
    /// nLockTime: Core (v29+) sets height − 1 with a non-final sequence, which BIP54 (consensus
    /// cleanup) would require; a fixed value reproduces older pools.
    public enum LockTime: Hashable, Sendable {
        case heightMinusOne
        case fixed(UInt32)
    }

    public var transactionVersion: UInt32
    public var sequence: UInt32
    public var lockTime: LockTime
    public var scriptSigBeforeExtranonce: [UInt8]
    public var scriptSigAfterExtranonce: [UInt8]
    /// Bytes reserved for the extranonce (1...32: SV2 carries it as B0_32).
    public var extranonceSize: Int
    public var commitmentFirst: Bool

    public init(transactionVersion: UInt32 = 2, sequence: UInt32 = 0xffff_fffe, lockTime: LockTime = .heightMinusOne,
                scriptSigBeforeExtranonce: [UInt8], scriptSigAfterExtranonce: [UInt8], extranonceSize: Int,
                commitmentFirst: Bool = false) {
        self.transactionVersion = transactionVersion
        self.sequence = sequence
        self.lockTime = lockTime
        self.scriptSigBeforeExtranonce = scriptSigBeforeExtranonce
        self.scriptSigAfterExtranonce = scriptSigAfterExtranonce
        self.extranonceSize = extranonceSize
        self.commitmentFirst = commitmentFirst
    }

    /// The gateway's layout: `push(extranonce) ‖ push(tag)` after the height and coinbaseaux.
    /// The tag is the operator's mark (`/ReserveGrid/` by default), cut to 64 bytes.
    public static func standard(tag: String = "/ReserveGrid/", extranonceSize: Int = 16) -> CoinbaseLayout {
        let tagBytes = Array(Array(tag.utf8).prefix(64))
        return CoinbaseLayout(scriptSigBeforeExtranonce: [UInt8(clamping: extranonceSize)],
                              scriptSigAfterExtranonce: tagBytes.isEmpty ? [] : [UInt8(tagBytes.count)] + tagBytes,
                              extranonceSize: extranonceSize)
    }
}
