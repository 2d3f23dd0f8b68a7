/// The 6-byte SV2 frame header: `extension_type U16 LE | msg_type U8 | msg_length U24 LE`.
/// Bit 15 of `extension_type` is the `channel_msg` flag; `msg_length` counts plaintext payload
/// bytes only. Shared by the plaintext frame codec and the Noise transport.
public struct SV2FrameHeader: Equatable, Hashable, Sendable {
    public static let size = 6
    public static let channelMessageBit: UInt16 = 0x8000
    /// U24: the largest payload a header can announce.
    public static let maxPayloadLength = 0xFF_FFFF

    public var extensionType: UInt16
    public var msgType: UInt8
    public var payloadLength: Int

    public init(extensionType: UInt16, msgType: UInt8, payloadLength: Int) {
        precondition((0...SV2FrameHeader.maxPayloadLength).contains(payloadLength),
                     "payload length \(payloadLength) does not fit a U24")   // encoder-side invariant
        self.extensionType = extensionType
        self.msgType = msgType
        self.payloadLength = payloadLength
    }

    public init(msgType: UInt8, isChannelMessage: Bool, payloadLength: Int) {
        self.init(extensionType: isChannelMessage ? SV2FrameHeader.channelMessageBit : 0,
                  msgType: msgType, payloadLength: payloadLength)
    }

    public var isChannelMessage: Bool { extensionType & SV2FrameHeader.channelMessageBit != 0 }
    /// The extension id without the channel bit; 0 for core messages.
    public var extensionID: UInt16 { extensionType & ~SV2FrameHeader.channelMessageBit }

    public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: extensionType), UInt8(truncatingIfNeeded: extensionType >> 8), msgType,
         UInt8(truncatingIfNeeded: payloadLength), UInt8(truncatingIfNeeded: payloadLength >> 8),
         UInt8(truncatingIfNeeded: payloadLength >> 16)]
    }

    /// Parses exactly 6 bytes; any other count is `truncated`/`trailingBytes`.
    public init<C: Collection>(decoding raw: C) throws(DecodeError) where C.Element == UInt8, C.Index == Int {
        guard raw.count >= SV2FrameHeader.size else {
            throw DecodeError(.truncated, at: raw.count, "frame header needs 6 bytes, have \(raw.count)")
        }
        guard raw.count == SV2FrameHeader.size else {
            throw DecodeError(.trailingBytes, at: SV2FrameHeader.size, "frame header is exactly 6 bytes")
        }
        let b = raw.startIndex
        extensionType = UInt16(raw[b]) | UInt16(raw[b + 1]) << 8
        msgType = raw[b + 2]
        payloadLength = Int(raw[b + 3]) | Int(raw[b + 4]) << 8 | Int(raw[b + 5]) << 16
    }
}
