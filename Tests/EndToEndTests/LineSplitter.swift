import Foundation

/// Splits a byte stream into newline-terminated lines, scanning each byte once: a tool's
/// record can be megabytes (a 720-transaction template is 4.5 MB) and arrives in pipe-sized
/// chunks, so rescanning the whole pending tail for every chunk is quadratic and, in a debug
/// build under a parallel test run, slow enough to miss a deadline.
struct LineSplitter {
    private var pending: [UInt8] = []
    private var scanned = 0

    /// Appends `chunk` and returns the lines it completed, without their newlines.
    mutating func append(_ chunk: Data) -> [[UInt8]] {
        pending.append(contentsOf: chunk)
        var lines: [[UInt8]] = []
        var lineStart = 0
        pending.withUnsafeBufferPointer { bytes in
            var index = scanned
            while index < bytes.count {
                guard let found = memchr(bytes.baseAddress! + index, 0x0A, bytes.count - index) else { break }
                let newline = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lines.append(Array(bytes[lineStart..<newline]))
                lineStart = newline + 1
                index = newline + 1
            }
        }
        if lineStart > 0 { pending.removeFirst(lineStart) }
        scanned = pending.count
        return lines
    }

    /// What follows the last newline.
    var remainder: [UInt8] { pending }
}
