/// SV2's encrypted framing after the handshake (stratum-v2.md §1.7):
/// - the 6-byte header is encrypted alone (empty AD) → 22 bytes;
/// - the payload follows in chunks of at most 65,519 plaintext bytes, each encrypted with the next
///   nonce → chunk + 16 (so a ciphertext chunk is at most 65,535 bytes);
/// - an empty payload produces no payload ciphertext at all;
/// - `msg_length` in the header is the plaintext length.
/// Header and payload therefore use consecutive nonces of the sender's cipher state.
public enum NoiseFraming {
    public static let encryptedHeaderSize = SV2FrameHeader.size + ChaCha20Poly1305.tagSize   // 22
    public static let maxChunkPlaintextSize = 65_519
    public static let maxChunkCiphertextSize = maxChunkPlaintextSize + ChaCha20Poly1305.tagSize  // 65,535

    /// Bytes on the wire for a payload of `payloadLength` bytes, header included:
    /// `22 + len + 16 · ceil(len / 65519)`.
    public static func encryptedFrameSize(payloadLength: Int) -> Int {
        encryptedHeaderSize + encryptedPayloadSize(payloadLength: payloadLength)
    }

    public static func encryptedPayloadSize(payloadLength: Int) -> Int {
        let chunks = (payloadLength + maxChunkPlaintextSize - 1) / maxChunkPlaintextSize
        return payloadLength + chunks * ChaCha20Poly1305.tagSize
    }
}

/// Encrypts outgoing frames with the sender's cipher state.
public struct NoiseFrameEncryptor: Sendable {
    public private(set) var cipher: NoiseCipherState

    public init(cipher: NoiseCipherState) { self.cipher = cipher }

    /// Encrypts one frame into `output`, which must be exactly
    /// `NoiseFraming.encryptedFrameSize(payloadLength: payload.count)` bytes.
    public mutating func encrypt(header: SV2FrameHeader, payload: UnsafeRawBufferPointer,
                                 into output: UnsafeMutableRawBufferPointer) throws(NoiseError) {
        guard header.payloadLength == payload.count else {
            throw NoiseError(.invalidFrame, "header says \(header.payloadLength) payload bytes, payload has \(payload.count)")
        }
        guard output.count == NoiseFraming.encryptedFrameSize(payloadLength: payload.count) else {
            throw NoiseError(.invalidFrame, "output buffer of \(output.count) bytes for a \(payload.count)-byte payload")
        }
        var headerBytes = header.bytesTuple
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        try withUnsafeBytes(of: &headerBytes) { (h: UnsafeRawBufferPointer) throws(NoiseError) in
            try cipher.encrypt(ad: empty, plaintext: h,
                               into: UnsafeMutableRawBufferPointer(rebasing: output[0..<NoiseFraming.encryptedHeaderSize]))
        }
        var inOffset = 0
        var outOffset = NoiseFraming.encryptedHeaderSize
        while inOffset < payload.count {
            let chunk = min(NoiseFraming.maxChunkPlaintextSize, payload.count - inOffset)
            try cipher.encrypt(ad: empty, plaintext: UnsafeRawBufferPointer(rebasing: payload[inOffset..<inOffset + chunk]),
                               into: UnsafeMutableRawBufferPointer(rebasing: output[outOffset..<outOffset + chunk + ChaCha20Poly1305.tagSize]))
            inOffset += chunk
            outOffset += chunk + ChaCha20Poly1305.tagSize
        }
    }

    public mutating func encrypt(_ frame: SV2Frame) throws(NoiseError) -> [UInt8] {
        let size = NoiseFraming.encryptedFrameSize(payloadLength: frame.payload.count)
        var out = [UInt8](repeating: 0, count: size)
        try out.withMutableBytes { (o: UnsafeMutableRawBufferPointer) throws(NoiseError) in
            try frame.payload.withBytes { (p: UnsafeRawBufferPointer) throws(NoiseError) in
                try encrypt(header: frame.header, payload: p, into: o)
            }
        }
        return out
    }
}

/// A streaming decryptor: give it bytes as they arrive, in any split, with `append`, then call
/// `nextFrame()` until it returns nil.
///
/// - The header's `msg_length` is checked against `maxPayloadLength` as soon as the 22 header bytes
///   decrypt, before any room is reserved for the payload (`frameTooLarge`). Room is then reserved
///   chunk by chunk as ciphertext arrives (never past the announced length), not all at once.
/// - Payload chunks are decrypted as soon as each is complete, straight into the frame's payload,
///   so at most one partial chunk of ciphertext is held.
/// - Any MAC failure fails closed: the error is returned now and from every later call, and input
///   is no longer buffered. The connection must be closed.
public struct NoiseFrameDecryptor: Sendable {
    public let maxPayloadLength: Int
    public private(set) var cipher: NoiseCipherState
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var currentHeader: SV2FrameHeader?
    private var payload: [UInt8] = []
    public private(set) var failure: NoiseError?

    /// `maxPayloadLength` is clamped to the U24 maximum a header can announce.
    public init(cipher: NoiseCipherState, maxPayloadLength: Int) {
        self.cipher = cipher
        self.maxPayloadLength = max(0, min(maxPayloadLength, SV2FrameHeader.maxPayloadLength))
    }

    /// Bytes held: unread ciphertext plus the room reserved for the frame being decrypted.
    public var bufferedByteCount: Int { (pending.count - pendingStart) + payload.capacity }

    /// Room reserved for the payload of the frame being decrypted: at most one chunk beyond what has
    /// been decrypted, never above the announced length (up to the allocator's page rounding).
    /// Exposed for the fuzz tests' allocation bound.
    var reservedPayloadCapacity: Int { payload.capacity }

    /// True when a frame has started but is not complete (at end of stream this is a truncation).
    public var hasPartialFrame: Bool { pending.count > pendingStart || currentHeader != nil }

    /// Buffers received bytes. Ignored after a failure.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, bytes.count > 0 else { return }
        if pendingStart > 0 { compact() }              // a caller that stopped at a frame, not at nil
        pending.append(contentsOf: bytes)
    }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard failure == nil else { return }
        if pendingStart > 0 { compact() }
        pending.append(contentsOf: bytes)
    }

    /// The next complete frame, nil if more bytes are needed.
    public mutating func nextFrame() throws(NoiseError) -> SV2Frame? {
        if let failure { throw failure }
        do {
            return try decodeNext()
        } catch {
            failure = error
            pending = []
            pendingStart = 0
            payload = []
            currentHeader = nil
            throw error
        }
    }

    private var available: Int { pending.count - pendingStart }

    private mutating func decodeNext() throws(NoiseError) -> SV2Frame? {
        let header: SV2FrameHeader
        if let current = currentHeader {
            header = current
        } else {
            guard available >= NoiseFraming.encryptedHeaderSize else { compact(); return nil }
            var plain: (UInt32, UInt16) = (0, 0)                     // 6 bytes on the stack
            let start = pendingStart
            try pending.withBytes { (raw: UnsafeRawBufferPointer) throws(NoiseError) in
                try withUnsafeMutableBytes(of: &plain) { (out: UnsafeMutableRawBufferPointer) throws(NoiseError) in
                    try cipher.decrypt(ad: UnsafeRawBufferPointer(start: nil, count: 0),
                                       ciphertext: UnsafeRawBufferPointer(rebasing: raw[start..<start + NoiseFraming.encryptedHeaderSize]),
                                       into: UnsafeMutableRawBufferPointer(rebasing: out[0..<SV2FrameHeader.size]))
                }
            }
            pendingStart += NoiseFraming.encryptedHeaderSize
            let decoded = withUnsafeBytes(of: &plain) { raw in
                SV2FrameHeader(extensionType: UInt16(raw[0]) | UInt16(raw[1]) << 8, msgType: raw[2],
                               payloadLength: Int(raw[3]) | Int(raw[4]) << 8 | Int(raw[5]) << 16)
            }
            guard decoded.payloadLength <= maxPayloadLength else {
                throw NoiseError(.frameTooLarge,
                                 "msg_type \(decoded.msgType) announces \(decoded.payloadLength) payload bytes, maximum \(maxPayloadLength)")
            }
            if decoded.payloadLength == 0 { return SV2Frame(extensionType: decoded.extensionType, msgType: decoded.msgType, payload: []) }
            header = decoded
            currentHeader = decoded
            payload = []
            // After the limit check, and only one chunk's worth: memory follows the bytes that
            // actually arrive, so a peer cannot pin `maxPayloadLength` with a 22-byte header.
            payload.reserveCapacity(min(decoded.payloadLength, NoiseFraming.maxChunkPlaintextSize))
        }
        while payload.count < header.payloadLength {
            let chunk = min(NoiseFraming.maxChunkPlaintextSize, header.payloadLength - payload.count)
            let needed = chunk + ChaCha20Poly1305.tagSize
            guard available >= needed else { compact(); return nil }
            let outStart = payload.count
            if payload.capacity < outStart + chunk {
                // Grow geometrically but never past the announced length.
                payload.reserveCapacity(min(header.payloadLength, max(outStart + chunk, 2 * payload.capacity)))
            }
            payload.append(contentsOf: repeatElement(0, count: chunk))
            let start = pendingStart
            try pending.withBytes { (raw: UnsafeRawBufferPointer) throws(NoiseError) in
                try payload.withMutableBytes { (out: UnsafeMutableRawBufferPointer) throws(NoiseError) in
                    try cipher.decrypt(ad: UnsafeRawBufferPointer(start: nil, count: 0),
                                       ciphertext: UnsafeRawBufferPointer(rebasing: raw[start..<start + needed]),
                                       into: UnsafeMutableRawBufferPointer(rebasing: out[outStart..<outStart + chunk]))
                }
            }
            pendingStart += needed
        }
        currentHeader = nil
        let frame = SV2Frame(extensionType: header.extensionType, msgType: header.msgType, payload: payload)
        payload = []
        return frame
    }

    /// Drops consumed bytes before waiting for more, so the buffer holds only unread input.
    private mutating func compact() {
        if pendingStart == pending.count {
            // Keep a small buffer for the next read; give back a big one (after a large frame).
            pending.removeAll(keepingCapacity: pending.capacity <= 4096)
        } else if pendingStart > 0 {
            pending.removeFirst(pendingStart)
        }
        pendingStart = 0
    }
}

/// Both directions of a Noise session's transport: encrypt what we send, decrypt what we receive.
public struct NoiseTransport: Sendable {
    public var encryptor: NoiseFrameEncryptor
    public var decryptor: NoiseFrameDecryptor

    public init(sender: NoiseCipherState, receiver: NoiseCipherState, maxPayloadLength: Int) {
        encryptor = NoiseFrameEncryptor(cipher: sender)
        decryptor = NoiseFrameDecryptor(cipher: receiver, maxPayloadLength: maxPayloadLength)
    }

    public mutating func encrypt(_ frame: SV2Frame) throws(NoiseError) -> [UInt8] {
        try encryptor.encrypt(frame)
    }

    /// Appends received bytes and returns every frame they complete.
    public mutating func decrypt<C: Collection>(_ bytes: C) throws(NoiseError) -> [SV2Frame] where C.Element == UInt8 {
        decryptor.append(bytes)
        var frames: [SV2Frame] = []
        while let frame = try decryptor.nextFrame() { frames.append(frame) }
        return frames
    }
}

extension SV2FrameHeader {
    /// The 6 header bytes as a stack value (no array allocation on the hot path).
    var bytesTuple: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) {
        (UInt8(truncatingIfNeeded: extensionType), UInt8(truncatingIfNeeded: extensionType >> 8), msgType,
         UInt8(truncatingIfNeeded: payloadLength), UInt8(truncatingIfNeeded: payloadLength >> 8),
         UInt8(truncatingIfNeeded: payloadLength >> 16))
    }
}
