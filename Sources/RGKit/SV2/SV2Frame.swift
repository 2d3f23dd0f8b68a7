/// One plaintext SV2 frame: the 6-byte header (`extension_type U16 LE | msg_type U8 |
/// msg_length U24 LE`) and the payload it announces. `msg_length` is not stored: it is always
/// `payload.count`, so a frame cannot disagree with its own header.
///
/// Used both for unencrypted streams (`SV2FrameDecoder`) and by the Noise transport, which
/// encrypts `header.bytes` and the payload separately (stratum-v2.md §1.7).
public struct SV2Frame: Hashable, Sendable, CustomStringConvertible {
    public static let headerSize = SV2FrameHeader.size

    /// Includes the `channel_msg` bit (0x8000).
    public var extensionType: UInt16
    public var msgType: UInt8
    public var payload: [UInt8]

    /// `payload` must fit a U24 (≤ 16,777,215 bytes); our message encoders never come close.
    public init(extensionType: UInt16 = 0, msgType: UInt8, payload: [UInt8]) {
        precondition(payload.count <= SV2FrameHeader.maxPayloadLength, "SV2 payload does not fit a U24")
        self.extensionType = extensionType
        self.msgType = msgType
        self.payload = payload
    }

    /// A core-protocol frame (extension 0) with the channel bit set or clear.
    public init(msgType: UInt8, isChannelMessage: Bool, payload: [UInt8]) {
        self.init(extensionType: isChannelMessage ? SV2FrameHeader.channelMessageBit : 0, msgType: msgType, payload: payload)
    }

    /// Pairs a decoded (e.g. decrypted) header with its payload; the lengths must agree.
    public init(header: SV2FrameHeader, payload: [UInt8]) throws(SV2Error) {
        guard payload.count == header.payloadLength else {
            throw SV2Error(payload.count < header.payloadLength ? .truncatedFrame : .trailingBytes,
                           "header announces \(header.payloadLength) payload bytes, got \(payload.count)")
        }
        self.init(extensionType: header.extensionType, msgType: header.msgType, payload: payload)
    }

    public var header: SV2FrameHeader {
        SV2FrameHeader(extensionType: extensionType, msgType: msgType, payloadLength: payload.count)
    }

    public var isChannelMessage: Bool { extensionType & SV2FrameHeader.channelMessageBit != 0 }
    /// The extension id without the channel bit; 0 for the core protocols.
    public var extensionID: UInt16 { extensionType & ~SV2FrameHeader.channelMessageBit }

    /// For a channel message, the `channel_id` every such payload starts with (stratum-v2.md §2);
    /// nil when the bit is clear or the payload is shorter than 4 bytes.
    public var channelID: UInt32? {
        guard isChannelMessage, payload.count >= 4 else { return nil }
        return UInt32(payload[0]) | UInt32(payload[1]) << 8 | UInt32(payload[2]) << 16 | UInt32(payload[3]) << 24
    }

    /// Header followed by payload: the bytes on an unencrypted wire.
    public var bytes: [UInt8] {
        var out = header.bytes
        out.reserveCapacity(SV2Frame.headerSize + payload.count)
        out.append(contentsOf: payload)
        return out
    }

    /// Decodes exactly one whole frame. A payload longer than `maxPayload` is refused from the
    /// header alone; missing bytes are `truncated`, extra bytes `trailingBytes`.
    public static func decode(_ bytes: [UInt8], maxPayload: Int = SV2FrameHeader.maxPayloadLength) throws(SV2Error) -> SV2Frame {
        var reader = SV2Reader(bytes)
        let extensionType = try reader.readU16()
        let msgType = try reader.readU8()
        let length = Int(try reader.readU24())
        guard length <= maxPayload else {
            throw SV2Error(.frameTooLarge, at: 3, "msg_type 0x\(hex2(msgType)) announces \(length) bytes > maximum \(maxPayload)")
        }
        let payload = Array(try reader.readBytes(length, "frame payload"))
        try reader.expectEnd()
        return SV2Frame(extensionType: extensionType, msgType: msgType, payload: payload)
    }

    public var description: String {
        "SV2Frame(ext 0x\(String(extensionType, radix: 16)), type 0x\(hex2(msgType)), \(payload.count) bytes)"
    }
}

func hex2(_ byte: UInt8) -> String { Hex.encode([byte]) }
