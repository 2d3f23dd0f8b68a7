/// A serialised block measured without building `Transaction` values: the header, and for each
/// transaction its byte range and its `TransactionDigest`. What a tool that turns a raw block into
/// a template needs (each transaction's raw bytes, txid, wtxid, weight, sigops), at the speed of
/// the verifier's hot path.
public struct RawBlock: Sendable {
    /// One transaction: where it lies in `bytes`, and its measurements.
    public struct Entry: Hashable, Sendable {
        public let range: Range<Int>
        public let digest: TransactionDigest
    }

    public let bytes: [UInt8]
    public let header: BlockHeader
    public let transactions: [Entry]

    /// Measures a whole serialised block; leftover bytes are an error.
    public init(bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        header = try BlockHeader.decode(from: &reader)
        let count = try reader.readCount(limit: Transaction.maxCompactSize, minimumElementSize: Transaction.minimumEncodedSize)
        let start = reader.offset
        let result: Result<[Entry], DecodeError> = bytes.withUnsafeBytes { raw in
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            var offset = start
            do throws(DecodeError) {
                for _ in 0..<count {
                    let (digest, end) = try TransactionDigest.measure(raw, from: offset)
                    entries.append(Entry(range: offset..<end, digest: digest))
                    offset = end
                }
            } catch {
                return .failure(error)
            }
            guard offset == raw.count else {
                return .failure(DecodeError(.trailingBytes, at: offset, "\(raw.count - offset) bytes left over"))
            }
            return .success(entries)
        }
        transactions = try result.get()
        self.bytes = bytes
    }

    /// The raw serialisation of transaction `index` (witness included).
    public func transactionBytes(_ index: Int) -> ArraySlice<UInt8> { bytes[transactions[index].range] }

    public var overheadSize: Int { BlockHeader.encodedSize + ByteWriter.compactSizeLength(transactions.count) }
    public var size: Int { bytes.count }
    public var strippedSize: Int { transactions.reduce(overheadSize) { $0 + $1.digest.strippedSize } }
    public var weight: Int { transactions.reduce(4 * overheadSize) { $0 + $1.digest.weight } }
    public var txids: [Txid] { transactions.map(\.digest.txid) }
    public var wtxids: [Wtxid] { transactions.map(\.digest.wtxid) }
}
