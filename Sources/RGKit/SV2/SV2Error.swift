/// Why SV2 bytes could not be decoded or a value could not be made into an SV2 field. The set of
/// codes is closed, so the SV2 layer uses typed throws (`throws(SV2Error)`). Equality compares
/// `code` only, so tests can say `#expect(throws: SV2Error(.lengthTooLarge))`.
///
/// `offset` is the byte offset inside the payload (or the frame, for frame errors) where the
/// offending field starts; `detail` names the field or type and the numbers involved.
public struct SV2Error: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The input ended inside a field (or inside a fixed-size frame header).
        case truncated
        /// Bytes were left over after a whole message or frame was decoded.
        case trailingBytes = "trailing_bytes"
        /// A declared length or count is above the maximum of its type (e.g. a B0_32 of 33 bytes).
        /// Raised before anything is allocated for the announced data.
        case lengthTooLarge = "length_too_large"
        /// An OPTION[T] count byte other than 0 or 1.
        case invalidOption = "invalid_option"
        /// A STR0_255 whose bytes are not well-formed UTF-8 (see `Str0_255` for why this is refused).
        case invalidUTF8 = "invalid_utf8"
        /// A value given to an encoder-side constructor does not fit its type (e.g. a 256-byte string).
        case valueTooLong = "value_too_long"
        /// A frame header announced a payload longer than the decoder accepts; raised as soon as the
        /// 6-byte header is seen, before any payload is buffered.
        case frameTooLarge = "frame_too_large"
        /// The stream ended (EOF) in the middle of a frame.
        case truncatedFrame = "truncated_frame"
        /// A core (extension 0) `msg_type` that this codec does not know or does not implement.
        case unknownMessageType = "unknown_message_type"
        /// The frame's `channel_msg` bit disagrees with the message type table (stratum-v2.md §3.1).
        case channelBitMismatch = "channel_bit_mismatch"
        /// A frame for a non-zero extension. The spec says such messages are ignored by an endpoint
        /// that did not negotiate the extension; this code lets the caller do exactly that.
        case unsupportedExtension = "unsupported_extension"
    }

    public let code: Code
    public let offset: Int?
    public let detail: String

    public init(_ code: Code, at offset: Int? = nil, _ detail: String = "") {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    public static func == (lhs: SV2Error, rhs: SV2Error) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The same error with `prefix` (usually a message name) put in front of the detail.
    public func inContext(_ prefix: String) -> SV2Error {
        SV2Error(code, at: offset, detail.isEmpty ? prefix : "\(prefix): \(detail)")
    }

    public var description: String {
        var text = code.rawValue
        if let offset { text += " at byte \(offset)" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}
