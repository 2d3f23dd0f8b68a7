/// A transaction output: an amount in satoshis and the locking script.
public struct TxOut: Hashable, Sendable {
    /// Core's `CAmount`, a signed 64-bit count of satoshis, serialised little-endian.
    public var valueSat: Int64
    public var scriptPubKey: Script

    public init(valueSat: Int64, scriptPubKey: Script) {
        self.valueSat = valueSat
        self.scriptPubKey = scriptPubKey
    }

    /// Smallest serialised output: 8-byte value and a 1-byte empty script length.
    static let minimumEncodedSize = 8 + 1
}
