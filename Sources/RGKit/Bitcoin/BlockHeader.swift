/// The 80-byte block header. Field order and encoding are declared once, in `encode(into:)` and
/// `decode(from:)`: version (int32 LE), previous block hash (wire order), merkle root (wire order),
/// time (uint32 LE), nBits (uint32 LE), nonce (uint32 LE).
public struct BlockHeader: Hashable, Sendable {
    public var version: Int32
    public var prevBlockHash: BlockHash
    public var merkleRoot: MerkleNode
    public var time: UInt32
    public var bits: CompactTarget
    public var nonce: UInt32

    public static let encodedSize = 80

    public init(version: Int32, prevBlockHash: BlockHash, merkleRoot: MerkleNode, time: UInt32, bits: CompactTarget, nonce: UInt32) {
        self.version = version
        self.prevBlockHash = prevBlockHash
        self.merkleRoot = merkleRoot
        self.time = time
        self.bits = bits
        self.nonce = nonce
    }

    /// Decodes exactly 80 bytes.
    public init(bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        self = try BlockHeader.decode(from: &reader)
        try reader.expectEnd()
    }

    public init(hex: String) throws(DecodeError) {
        try self.init(bytes: try Hex.decode(hex))
    }

    public static func decode(from reader: inout ByteReader) throws(DecodeError) -> BlockHeader {
        guard reader.remaining >= encodedSize else {
            throw DecodeError(.truncated, at: reader.offset, "block header needs 80 bytes, have \(reader.remaining)")
        }
        return BlockHeader(
            version: try reader.readLE(Int32.self),
            prevBlockHash: BlockHash(wire: try reader.readBytes32()),
            merkleRoot: MerkleNode(wire: try reader.readBytes32()),
            time: try reader.readLE(UInt32.self),
            bits: CompactTarget(rawValue: try reader.readLE(UInt32.self)),
            nonce: try reader.readLE(UInt32.self))
    }

    public func encode(into writer: inout ByteWriter) {
        writer.writeLE(version)
        writer.write(prevBlockHash.wire)
        writer.write(merkleRoot.wire)
        writer.writeLE(time)
        writer.writeLE(bits.rawValue)
        writer.writeLE(nonce)
    }

    /// The 80 serialised bytes.
    public var serialized: [UInt8] {
        var writer = ByteWriter(capacity: BlockHeader.encodedSize)
        encode(into: &writer)
        return writer.bytes
    }

    /// SHA-256d of the 80 bytes, in wire order.
    public var hash: BlockHash {
        // Built in a stack buffer: headers are hashed once per share on the gateway's hot path.
        withUnsafeTemporaryAllocation(byteCount: BlockHeader.encodedSize, alignment: 8) { buffer in
            write(into: buffer)
            return BlockHash(wire: SHA256Hash.hash256(UnsafeRawBufferPointer(buffer)))
        }
    }

    /// Writes the 80 bytes into `buffer` (at least 80 bytes long).
    func write(into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: UInt32(bitPattern: version).littleEndian, toByteOffset: 0, as: UInt32.self)
        prevBlockHash.wire.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[4..<36]).copyMemory(from: $0) }
        merkleRoot.wire.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[36..<68]).copyMemory(from: $0) }
        buffer.storeBytes(of: time.littleEndian, toByteOffset: 68, as: UInt32.self)
        buffer.storeBytes(of: bits.rawValue.littleEndian, toByteOffset: 72, as: UInt32.self)
        buffer.storeBytes(of: nonce.littleEndian, toByteOffset: 76, as: UInt32.self)
    }

    /// Core's `CheckProofOfWork`: nBits must decode to a positive, non-overflowing target no
    /// easier than `powLimit`, and the header hash must not exceed it.
    public func hasValidProofOfWork(powLimit: UInt256 = Network.mainnet.powLimit) -> Bool {
        guard let target = bits.targetValue, !(powLimit < target) else { return false }
        return hash.meets(target: target.littleEndianBytes)
    }
}
