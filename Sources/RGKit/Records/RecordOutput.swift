#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes records to a file descriptor (stdout), one `\n`-terminated JSON object per call,
/// flushed per record so a downstream tool sees each record as soon as it exists.
public final class RecordOutput: @unchecked Sendable {
    private let fd: Int32
    private let lock = Lock()
    public private(set) var recordsWritten = 0

    public init(fd: Int32 = 1) { self.fd = fd }

    /// Writes the parts back to back plus a newline. Throws `RecordOutputError.closed` when the
    /// reader went away (EPIPE), so the caller can stop instead of dying on SIGPIPE.
    public func write(_ parts: [UInt8]...) throws(RecordOutputError) {
        try lock.withLock { () throws(RecordOutputError) in
            if parts.count == 1 {
                try writeWithNewline(parts[0])
            } else {
                for part in parts { try writeAll(part) }
                try writeAll([0x0A])
            }
            recordsWritten += 1
        }
    }

    /// One writev(2) for the record and its newline: one syscall per record on the hot path.
    private func writeWithNewline(_ record: [UInt8]) throws(RecordOutputError) {
        var newline: UInt8 = 0x0A
        let written: Int = record.withUnsafeBytes { raw in
            withUnsafeMutablePointer(to: &newline) { nl in
                var iov = [iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count),
                           iovec(iov_base: UnsafeMutableRawPointer(nl), iov_len: 1)]
                return writev(fd, &iov, 2)
            }
        }
        if written == record.count + 1 { return }
        if written < 0 && errno != EINTR {
            if errno == EPIPE { throw .closed }
            throw .failed(String(cString: strerror(errno)))
        }
        // A short write (a full pipe, a signal): finish the rest the slow way.
        let done = max(0, written)
        if done < record.count { try writeAll(Array(record[done...])) }
        try writeAll([0x0A])
    }

    public func writeLine(_ record: [UInt8]) throws(RecordOutputError) { try write(record) }

    /// Writes `chunk`, which already holds `count` whole `\n`-terminated records (a batch), in as
    /// few write(2) calls as the reader takes. The caller that built the batch knows `count`, so
    /// the chunk is not scanned a second time for its newlines.
    public func writeLines(_ chunk: [UInt8], count: Int) throws(RecordOutputError) {
        try lock.withLock { () throws(RecordOutputError) in
            try writeAll(chunk)
            recordsWritten += count
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws(RecordOutputError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset) }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EPIPE { throw .closed }
            throw .failed(String(cString: strerror(errno)))
        }
    }
}

public enum RecordOutputError: Error, CustomStringConvertible {
    case closed
    case failed(String)
    public var description: String {
        switch self {
        case .closed: "stdout was closed by the reader (broken pipe)"
        case .failed(let why): "write to stdout failed: \(why)"
        }
    }
}

/// A pthread mutex; records written from several threads never interleave mid-line.
public final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    public init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    public func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
