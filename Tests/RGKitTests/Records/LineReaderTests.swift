import Foundation
import Testing
@testable import RGKit

@Suite struct LineReaderTests {
    /// Feeds `data` through a real pipe from another thread and collects the reader's events.
    func events(_ data: [UInt8], limit: Int, chunk: Int = 7) throws -> [LineReader.Event] {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writeEnd = fds[1]
        let writer = Thread {
            var offset = 0
            while offset < data.count {
                let n = data[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress!, min($0.count, 5000)) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(fds[0]) }
        let reader = LineReader(fd: fds[0], maxLineBytes: limit, chunkSize: chunk)
        var out: [LineReader.Event] = []
        while let event = try reader.next() { out.append(event) }
        return out
    }

    @Test func splitsLinesAcrossChunksAndStripsCarriageReturns() throws {
        let text = "a\r\nbb\n\nccc"
        #expect(try events(Array(text.utf8), limit: 100) == [
            .line(Array("a".utf8), number: 1), .line(Array("bb".utf8), number: 2), .line([], number: 3), .line(Array("ccc".utf8), number: 4),
        ])
    }

    @Test func aLineOverTheLimitIsRefusedEvenWhenOneReadBringsItWhole() throws {
        let data = Array("ok\n".utf8) + [UInt8](repeating: 0x42, count: 100) + Array("\nnext\n".utf8) + [UInt8](repeating: 0x43, count: 90)
        #expect(try events(data, limit: 64, chunk: 4096) == [
            .line(Array("ok".utf8), number: 1), .oversized(number: 2, bytes: 100), .line(Array("next".utf8), number: 3), .oversized(number: 4, bytes: 90),
        ])
    }

    @Test func anOversizedLineIsSkippedAndCountedAndTheNextLineSurvives() throws {
        let long = [UInt8](repeating: 0x41, count: 1_000)
        let data = Array("ok\n".utf8) + long + Array("\nnext\n".utf8)
        #expect(try events(data, limit: 64) == [.line(Array("ok".utf8), number: 1), .oversized(number: 2, bytes: 1_000), .line(Array("next".utf8), number: 3)])
    }

    @Test func anOversizedLastLineWithoutNewlineIsReported() throws {
        let data = Array("x\n".utf8) + [UInt8](repeating: 0x42, count: 500)
        #expect(try events(data, limit: 64) == [.line(Array("x".utf8), number: 1), .oversized(number: 2, bytes: 500)])
    }

    @Test func aLineExactlyAtTheLimitIsKept() throws {
        let line = [UInt8](repeating: 0x43, count: 64)
        #expect(try events(line + [0x0A] + line, limit: 64) == [.line(line, number: 1), .line(line, number: 2)])
    }
}
