import Foundation
import Logging

/// How mail leaves the process.
public enum MailTransport: Sendable {
    /// SMTP, with STARTTLS (or implicit TLS) unless explicitly configured as plain.
    case smtp(SMTPConfiguration)
    /// The rendered message (headers included) is piped to `/bin/sh -c COMMAND`, e.g.
    /// `sendmail -t -i`.
    case sendmail(command: String)
    /// No mail system: each message is written to stderr, each line prefixed `[email-stub]`.
    /// This is the only transport under which a token ever appears in the process's output.
    case stub

    public var isStub: Bool { if case .stub = self { true } else { false } }

    public var description: String {
        switch self {
        case .smtp(let c): "smtp://\(c.host):\(c.port) (\(c.security.rawValue))"
        case .sendmail(let command): "sendmail pipe (\(command.split(separator: " ").first ?? ""))"
        case .stub: "stderr stub"
        }
    }

    /// Delivers one message; throws when the transport refused it.
    public func deliver(_ message: MailMessage, envelopeFrom: String, dateMs: Int64, messageID: String) async throws {
        let rendered = message.rendered(dateMs: dateMs, messageID: messageID)
        switch self {
        case .smtp(let configuration):
            _ = try await SMTPClient.send(rendered, from: envelopeFrom, to: message.to, configuration: configuration)
        case .sendmail(let command):
            try await Self.pipe(rendered.replacingOccurrences(of: "\r\n", with: "\n"), to: command)
        case .stub:
            var text = "[email-stub] To: \(message.to)\n[email-stub] Subject: \(message.subject)\n"
            for line in message.body.split(separator: "\n", omittingEmptySubsequences: false) {
                text += "[email-stub] \(line)\n"
            }
            text += "[email-stub] --\n"
            FileHandleStderr.write(text)
        }
    }

    static func pipe(_ text: String, to command: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.standardError
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in continuation.resume(returning: p.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: MailDeliveryError("cannot run the sendmail command: \(error)"))
                return
            }
            let handle = input.fileHandleForWriting
            DispatchQueue.global().async {
                handle.write(Data(text.utf8))
                try? handle.close()
            }
        }
        guard status == 0 else { throw MailDeliveryError("the sendmail command exited with status \(status)") }
    }
}

/// Mail queued by request handlers and delivered by a background task, so no request waits
/// for an SMTP server (the reference sent synchronously in the request path). Bounded: when
/// the queue is full a message is dropped and logged, never buffered without limit. Failed
/// deliveries are retried with backoff. Logs name the recipient's domain and the outcome —
/// never a body, which may carry a live token.
public final class MailOutbox: Sendable {
    public let transport: MailTransport
    public let from: String
    private let continuation: AsyncStream<MailMessage>.Continuation
    private let worker: Task<Void, Never>

    public init(transport: MailTransport, from: String, capacity: Int = 1000, maxAttempts: Int = 4, logger: Logger,
                clock: @escaping @Sendable () -> Int64 = { WallClock.milliseconds() }) {
        self.transport = transport
        self.from = from
        let (stream, continuation) = AsyncStream<MailMessage>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        self.continuation = continuation
        worker = Task {
            for await message in stream {
                let domain = message.to.split(separator: "@").last.map(String.init) ?? "?"
                var attempt = 0
                while true {
                    attempt += 1
                    let id = "\(SecureRandom.bytes(count: 16).hex)@\(from.split(separator: "@").last ?? "localhost")"
                    do {
                        try await transport.deliver(message, envelopeFrom: from, dateMs: clock(), messageID: id)
                        logger.info("mail sent", metadata: ["mail.to_domain": "\(domain)", "mail.attempt": "\(attempt)"])
                        break
                    } catch {
                        if attempt >= maxAttempts {
                            logger.error("mail not delivered; giving up", metadata: ["mail.to_domain": "\(domain)", "error": "\(error)"])
                            break
                        }
                        logger.warning("mail delivery failed; will retry", metadata: ["mail.to_domain": "\(domain)", "error": "\(error)"])
                        try? await Task.sleep(for: .milliseconds(500 << min(attempt, 6)))
                    }
                }
            }
        }
        _ = logger
    }

    /// Queues a message; false when the queue was full (the message is dropped).
    @discardableResult
    public func enqueue(_ message: MailMessage) -> Bool {
        if case .dropped = continuation.yield(message) { return false }
        return true
    }

    /// Stops taking messages and waits until the queued ones were handled.
    public func drain() async {
        continuation.finish()
        await worker.value
    }
}
