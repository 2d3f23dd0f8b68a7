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
    /// Raw storage for the longest line plus one read, reserved once and never grown: the
    /// kernel backs pages only when a read touches them, so small records cost little, and
    /// the worst case is exactly the limit plus a chunk (a growing Array or realloc would hold
    /// the old and new copies at once).
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
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
        capacity = maxLineBytes + chunkSize + 1
        guard let storage = malloc(capacity) else { fatalError("out of memory allocating a \(capacity)-byte line buffer") }
        buffer = storage
    }

    deinit { free(buffer) }

    /// The next line, nil at end of input (or once stopped). Throws only on a read error.
    public func next() throws(LineReaderError) -> Event? {
        while true {
            if let newline = findNewline() {
                lineNumber += 1
                var lineEnd = newline
                if lineEnd > start && buffer.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                let lineStart = start
                start = newline + 1
                scanned = start
                // A line can be over the limit and still arrive whole in one read: the limit
                // holds whatever the read sizes were.
                if lineEnd - lineStart > maxLineBytes { return .oversized(number: lineNumber, bytes: lineEnd - lineStart) }
                return .line(bytes(lineStart, lineEnd), number: lineNumber)
            }
            if end - start > maxLineBytes { return try discardOversizedLine() }
            if atEOF || stopped {
                guard end > start else { return nil }
                lineNumber += 1
                if end - start > maxLineBytes {
                    let length = end - start
                    start = end
                    scanned = end
                    return .oversized(number: lineNumber, bytes: length)
                }
                let line = bytes(start, end)
                start = end
                scanned = end
                return .line(line, number: lineNumber)
            }
            try fill()
        }
    }

    private func bytes(_ from: Int, _ to: Int) -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: buffer + from, count: to - from))
    }

    private func findNewline() -> Int? {
        guard scanned < end else { return nil }
        let found = memchr(buffer + scanned, 0x0A, end - scanned).map { UnsafeRawPointer(buffer).distance(to: UnsafeRawPointer($0)) }
        scanned = found ?? end
        return found
    }

    /// Moves unread bytes to the front, grows the buffer if needed, and reads one chunk.
    private func fill() throws(LineReaderError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            scanned -= start
            start = 0
            end = pending
        }
        let count = try readSome(into: end, max: capacity - end)
        if count == 0 { atEOF = true } else { end += count }
    }

    private func discardOversizedLine() throws(LineReaderError) -> Event? {
        lineNumber += 1
        var discarded = end - start
        start = 0
        end = 0
        scanned = 0
        while true {
            let count = try readSome(into: 0, max: min(capacity, chunkSize))
            if count == 0 {
                atEOF = true
                return .oversized(number: lineNumber, bytes: discarded)
            }
            let newline = memchr(buffer, 0x0A, count).map { UnsafeRawPointer(buffer).distance(to: UnsafeRawPointer($0)) }
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
            let n = read(fd, buffer + offset, length)
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
