#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The complete lines appended to a file since the last look: a log another process writes,
/// followed as `tail -F` would, without blocking. The file may not exist yet (it is opened
/// once it does); a partial last line waits for its newline; a file that shrinks (truncated
/// or replaced) is read again from its start. Lines over `maxLineBytes` are skipped.
public final class AppendedLines {
    public let path: String
    private let maxLineBytes: Int
    private var fd: Int32 = -1
    private var offset: off_t = 0
    private var partial: [UInt8] = []
    private var skippingOversized = false

    public init(path: String, maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.path = path
        self.maxLineBytes = maxLineBytes
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Lines completed since the last call, without their `\n`.
    public func poll() -> [[UInt8]] {
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return [] }
        }
        var status = stat()
        if fstat(fd, &status) == 0, status.st_size < offset {
            offset = 0
            partial.removeAll()
            skippingOversized = false
        }
        var lines: [[UInt8]] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard n > 0 else { break }
            offset += off_t(n)
            var start = 0
            while start < n {
                let newline = chunk[start..<n].firstIndex(of: UInt8(ascii: "\n"))
                let piece = chunk[start..<(newline ?? n)]
                if !skippingOversized {
                    if partial.count + piece.count > maxLineBytes {
                        partial.removeAll()
                        skippingOversized = true
                    } else {
                        partial.append(contentsOf: piece)
                    }
                }
                guard let newline else { break }
                if !skippingOversized { lines.append(partial) }
                partial.removeAll(keepingCapacity: true)
                skippingOversized = false
                start = newline + 1
            }
        }
        return lines
    }
}
