/// A block hash: SHA-256d of the 80-byte header, in wire (internal) order. Read as a 256-bit
/// little-endian integer (`wire` compared with `<`) it must not exceed the target for proof of work.
/// `displayHex` is the reversed form explorers and `getblocktemplate` print.
public struct BlockHash: HashNewtype {
    public let wire: Bytes32
    public init(wire: Bytes32) { self.wire = wire }

    /// True when this hash, as a 256-bit little-endian integer, is at most `target` (also a
    /// little-endian integer). Used for both the network target and a pool share target.
    public func meets(target: Bytes32) -> Bool { !(target < wire) }
}
