#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an export goes: stdout, or a file replaced atomically (or a device or FIFO written in
/// place). Bytes are buffered and written
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
    /// False for stdout, which the process keeps.
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private let blockSize = 1 << 18
    private var finished = false
    public private(set) var bytesWritten = 0

    /// Exports to stdout.
    public init() {
        fd = 1
        target = nil
        temp = nil
        ownsDescriptor = false
        buffer.reserveCapacity(blockSize)
    }

    /// Exports to `path` (created with `mode`, replaced atomically on `finish()`).
    ///
    /// Only a regular file (or a path not there yet) is replaced. A device, FIFO or socket —
    /// `--output /dev/null`, `/dev/stdout`, a named pipe — is opened and written in place:
    /// renaming a temporary file over it would turn `/dev/null` into a plain file. A symlink
    /// is followed, so the link keeps pointing at the refreshed file.
    public init(path: String, mode: mode_t = 0o644) throws(Failure) {
        var info = stat()
        var resolved = path
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw Failure(isPath: true, message: "--output \(path) is a directory; name a file")
            case S_IFREG:
                if let real = realpath(path, nil) {
                    resolved = String(cString: real)
                    free(real)
                }
            default:
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    throw Failure(isPath: true, message: "cannot open --output \(path): \(String(cString: strerror(errno)))")
                }
                self.fd = fd
                target = nil
                temp = nil
                ownsDescriptor = true
                buffer.reserveCapacity(blockSize)
                return
            }
        }
        let temp = "\(resolved).tmp.\(getpid())"
        // O_EXCL: never write through something planted at the temporary name. A leftover from
        // a crashed run with the same pid is ours to remove.
        var fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 && errno == EEXIST {
            unlink(temp)
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        }
        guard fd >= 0 else {
            throw Failure(isPath: true, message: "cannot create \(temp) (for --output \(path)): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        target = resolved
        self.temp = temp
        ownsDescriptor = true
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
        guard let target, let temp else {
            if ownsDescriptor, close(fd) != 0 {
                throw Failure(isPath: false, message: "cannot close the output: \(String(cString: strerror(errno)))")
            }
            return
        }
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
        if ownsDescriptor { close(fd) }
        if let temp { unlink(temp) }
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
