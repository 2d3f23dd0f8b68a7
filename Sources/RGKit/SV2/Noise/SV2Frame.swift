/// One SV2 frame after Noise decryption (or before encryption): the 6-byte header and the
/// plaintext payload. Defined here for the Noise transport and its NIO handlers; the plaintext
/// codec may bring its own frame type, in which case the two should be unified (same shape).
public struct SV2Frame: Equatable, Sendable {
    public var header: SV2FrameHeader
    public var payload: [UInt8]

    /// `header.payloadLength` should equal `payload.count`; the encryptor refuses a frame where
    /// it does not (`NoiseError.invalidFrame`) rather than sending a header that lies.
    public init(header: SV2FrameHeader, payload: [UInt8]) {
        self.header = header
        self.payload = payload
    }

    /// Builds the header from the payload. The payload must fit a U24 (16,777,215 bytes).
    public init(extensionType: UInt16 = 0, msgType: UInt8, payload: [UInt8]) {
        self.init(header: SV2FrameHeader(extensionType: extensionType, msgType: msgType, payloadLength: payload.count),
                  payload: payload)
    }
}
