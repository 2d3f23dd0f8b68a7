#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads newline-delimited records from a file descriptor with a hard line limit. An oversized
/// line is skipped without ever holding it whole: memory stays at about limit + one chunk
/// whatever the input. A wake-up descriptor (see `StopSignal`) ends a blocked read cleanly.
public final class LineReader {
    public enum Event: Equatable {
        /// One line, without its `\n` (and without a trailing `\r`).
        case line([UInt8], number: Int)
        /// A line longer than the limit, skipped; `bytes` counts what was discarded.
        case oversized(number: Int, bytes: Int)
    }

    public static let defaultMaxLineBytes = 32 << 20

    private let fd: Int32
    private let maxLineBytes: Int
    private let chunkSize: Int
    private let wakeFD: Int32?
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var lineNumber = 0
    private var atEOF = false
    public private(set) var stopped = false

    public init(fd: Int32, maxLineBytes: Int = LineReader.defaultMaxLineBytes, chunkSize: Int = 1 << 20, wakeFD: Int32? = nil) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        self.chunkSize = chunkSize
        self.wakeFD = wakeFD
        buffer = [UInt8](repeating: 0, count: min(chunkSize * 4, maxLineBytes + chunkSize))
    }

    /// The next line, nil at end of input (or once stopped). Throws only on a read error.
    public func next() throws(LineReaderError) -> Event? {
        while true {
            if let newline = findNewline() {
                lineNumber += 1
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = Array(buffer[start..<lineEnd])
                start = newline + 1
                scanned = start
                return .line(line, number: lineNumber)
            }
            if end - start > maxLineBytes { return try discardOversizedLine() }
            if atEOF || stopped {
                guard end > start else { return nil }
                lineNumber += 1
                let line = Array(buffer[start..<end])
                start = end
                scanned = end
                return .line(line, number: lineNumber)
            }
            try fill()
        }
    }

    private func findNewline() -> Int? {
        guard scanned < end else { return nil }
        let found = buffer.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let hit = memchr(base + scanned, 0x0A, end - scanned) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        scanned = found ?? end
        return found
    }

    /// Moves unread bytes to the front, grows the buffer if needed, and reads one chunk.
    private func fill() throws(LineReaderError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + start, pending)
                }
            }
            scanned -= start
            start = 0
            end = pending
        }
        if buffer.count - end < chunkSize {
            buffer.append(contentsOf: repeatElement(0, count: max(chunkSize, buffer.count / 2)))
        }
        let count = try readSome(into: end, max: buffer.count - end)
        if count == 0 { atEOF = true } else { end += count }
    }

    private func discardOversizedLine() throws(LineReaderError) -> Event? {
        lineNumber += 1
        var discarded = end - start
        start = 0
        end = 0
        scanned = 0
        while true {
            let count = try readSome(into: 0, max: min(buffer.count, chunkSize))
            if count == 0 {
                atEOF = true
                return .oversized(number: lineNumber, bytes: discarded)
            }
            let newline = buffer.withUnsafeBytes { raw -> Int? in
                guard let base = raw.baseAddress, let hit = memchr(base, 0x0A, count) else { return nil }
                return base.distance(to: UnsafeRawPointer(hit))
            }
            if let newline {
                discarded += newline
                start = newline + 1
                end = count
                scanned = start
                return .oversized(number: lineNumber, bytes: discarded)
            }
            discarded += count
        }
    }

    /// read(2) that waits on the wake descriptor too; returns 0 at EOF or once stopped.
    private func readSome(into offset: Int, max length: Int) throws(LineReaderError) -> Int {
        while true {
            if let wakeFD {
                var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
                let ready = poll(&fds, 2, -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw LineReaderError(errno: errno)
                }
                if fds[1].revents != 0 { stopped = true; return 0 }
            }
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + offset, length) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw LineReaderError(errno: errno)
        }
    }
}

public struct LineReaderError: Error, CustomStringConvertible {
    public let errno: Int32
    public var description: String { "read failed: \(String(cString: strerror(errno)))" }
}
