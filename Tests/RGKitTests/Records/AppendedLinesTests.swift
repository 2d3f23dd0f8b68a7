import Foundation
import Testing
@testable import RGKit

@Suite struct AppendedLinesTests {
    func scratchPath() -> String {
        NSTemporaryDirectory() + "appended-lines-\(UUID().uuidString).ndjson"
    }

    func append(_ text: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func strings(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func followsAFileThatAppearsLaterAndHoldsAPartialLine() throws {
        let path = scratchPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = AppendedLines(path: path)
        #expect(lines.poll().isEmpty)
        try append("one\ntw", to: path)
        #expect(strings(lines.poll()) == ["one"])
        #expect(lines.poll().isEmpty)
        try append("o\nthree\n", to: path)
        #expect(strings(lines.poll()) == ["two", "three"])
    }

    @Test func aTruncatedFileIsReadAgainAndAnOversizedLineSkipped() throws {
        let path = scratchPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = AppendedLines(path: path, maxLineBytes: 8)
        try append("first line\nok\n", to: path)
        #expect(strings(lines.poll()) == ["ok"])
        try Data("new\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(strings(lines.poll()) == ["new"])
    }
}
