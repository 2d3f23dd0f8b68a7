#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an export goes: stdout, or a file replaced atomically. Bytes are buffered and written
/// in large blocks, so an export of a million rows costs a few hundred `write(2)` calls and
/// never holds the whole output in memory.
///
/// A file export follows `FileManagerLite.writeAtomically`'s protocol — a temporary file
/// beside the target (`<path>.tmp.<pid>`), fsync, rename over the target, fsync of the
/// directory — but streams instead of taking one array: a cron job or a reader of the target
/// sees the previous file or the complete new one, never a prefix, and an export that fails
/// or is interrupted leaves the target untouched and removes its temporary file.
public final class ExportOutput {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// True when the path itself is unusable (no such directory, no permission): the
        /// operator's `--output` to fix, not a runtime fault.
        public let isPath: Bool
        public let message: String
        public var description: String { message }
    }

    private let fd: Int32
    private let target: String?
    private let temp: String?
    private var buffer: [UInt8] = []
    private let blockSize = 1 << 18
    private var finished = false
    public private(set) var bytesWritten = 0

    /// Exports to stdout.
    public init() {
        fd = 1
        target = nil
        temp = nil
        buffer.reserveCapacity(blockSize)
    }

    /// Exports to `path` (created with `mode`, replaced atomically on `finish()`).
    public init(path: String, mode: mode_t = 0o644) throws(Failure) {
        let temp = "\(path).tmp.\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw Failure(isPath: true, message: "cannot create \(temp) (for --output \(path)): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        target = path
        self.temp = temp
        buffer.reserveCapacity(blockSize)
    }

    deinit { if !finished { abandon() } }

    public func write(_ bytes: [UInt8]) throws(Failure) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { try flush() }
    }

    public func write(_ text: String) throws(Failure) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= blockSize { try flush() }
    }

    /// Writes what is buffered; for a file, fsyncs it and renames it over the target.
    public func finish() throws(Failure) {
        guard !finished else { return }
        do {
            try flush()
        } catch {
            abandon()
            throw error
        }
        finished = true
        guard let target, let temp else { return }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(isPath: false, message: "cannot flush \(temp): \(why)")
        }
        guard rename(temp, target) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(isPath: false, message: "cannot rename \(temp) to \(target): \(why)")
        }
        let directory = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        let dirFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 { fsync(dirFD); close(dirFD) }
    }

    /// Drops the export: a file export closes and removes its temporary file, leaving the
    /// target as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        buffer.removeAll()
        if let temp {
            close(fd)
            unlink(temp)
        }
    }

    private func flush() throws(Failure) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset) }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            let why = errno == EPIPE ? "the reader closed the pipe" : String(cString: strerror(errno))
            throw Failure(isPath: false, message: "cannot write \(temp ?? "stdout"): \(why)")
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
