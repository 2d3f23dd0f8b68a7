/// What every 32-byte Bitcoin hash type shares. The value is stored in **wire order** (also called
/// internal order): the bytes exactly as SHA-256d outputs them and as they sit in headers,
/// outpoints and merkle nodes. `displayHex` is the reversed form that RPC, explorers and
/// `getblocktemplate` print. Keeping each kind of hash in its own type (as rust-bitcoin's
/// `hash_newtype!` does) means a display-order string can never reach a header unreversed and a
/// txid can never be passed where a block hash is expected.
public protocol HashNewtype: Hashable, Sendable, CustomStringConvertible {
    /// The hash in wire (internal) order.
    var wire: Bytes32 { get }
    init(wire: Bytes32)
}

extension HashNewtype {
    /// All-zero value (the coinbase prevout's txid, the coinbase's wtxid in the witness tree).
    public static var zero: Self { Self(wire: .zero) }

    /// Display order (reversed) hex: what `getblocktemplate`, RPC and explorers print.
    public var displayHex: String { wire.reversed.hex }

    /// Wire (internal) order hex, for `_wire` record fields and SV2 messages.
    public var wireHex: String { wire.hex }

    /// Parses 64 hex digits in display order (reversed), the form RPC prints.
    public init(displayHex: String) throws(DecodeError) {
        self.init(wire: try Bytes32(hex: displayHex).reversed)
    }

    /// Parses 64 hex digits in wire (internal) order.
    public init(wireHex: String) throws(DecodeError) {
        self.init(wire: try Bytes32(hex: wireHex))
    }

    public var description: String { displayHex }
}
