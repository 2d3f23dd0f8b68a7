import Foundation

/// One plain-text e-mail. Composition is pure: the date and message id come from the caller.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String

    public init(from: String, to: String, subject: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// The RFC 5322 text with CRLF line ends, ready for SMTP DATA (before dot-stuffing) or a
    /// sendmail pipe. Header values never contain a line break (they are refused when the
    /// message is made by `AuthMail`, and stripped here as a second guard); a non-ASCII
    /// subject is an RFC 2047 encoded word; a non-ASCII body is sent base64.
    public func rendered(dateMs: Int64, messageID: String) -> String {
        var lines: [String] = []
        lines.append("From: \(Self.oneLine(from))")
        lines.append("To: \(Self.oneLine(to))")
        lines.append("Subject: \(Self.encodedHeader(Self.oneLine(subject)))")
        lines.append("Date: \(Self.rfc5322Date(ms: dateMs))")
        lines.append("Message-ID: <\(Self.oneLine(messageID))>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if normalized.utf8.allSatisfy({ $0 < 0x80 }) && normalized.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy({ $0.utf8.count <= 998 }) {
            lines.append("Content-Transfer-Encoding: 7bit")
            lines.append("")
            lines.append(contentsOf: normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        } else {
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            let encoded = Data(normalized.utf8).base64EncodedString()
            var index = encoded.startIndex
            while index < encoded.endIndex {
                let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
                lines.append(String(encoded[index..<end]))
                index = end
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// True when the text holds no CR or LF (a header value an attacker cannot extend).
    public static func isSingleLine(_ text: String) -> Bool { !text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) }

    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    static func encodedHeader(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// `Tue, 25 Nov 2026 16:36:58 +0000` for Unix milliseconds (UTC), without Foundation's
    /// locale-dependent formatters.
    public static func rfc5322Date(ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(weekday), \(day) \(months[Int(month) - 1]) \(year) \(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60)) +0000"
    }
}
