import Foundation
import Testing
@testable import RGKit

@Suite struct ExportOutputTests {
    let dir = TemporaryDirectory()

    func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    @Test func aFinishedExportReplacesTheFileAndLeavesNoTemporary() throws {
        let path = dir.file("out.csv")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let out = try ExportOutput(path: path)
        for i in 0..<100_000 { try out.write("row \(i)\n") }          // several blocks
        #expect(try contents(path) == "old\n")                      // nothing visible before finish
        try out.finish()
        let text = try contents(path)
        #expect(text.hasPrefix("row 0\nrow 1\n") && text.hasSuffix("row 99999\n"))
        #expect(out.bytesWritten == text.utf8.count)
        #expect(try entries() == ["out.csv"])
    }

    @Test func anAbandonedExportLeavesTheTargetAsItWas() throws {
        let path = dir.file("out.csv")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        do {
            let out = try ExportOutput(path: path)
            try out.write(String(repeating: "x", count: 1 << 20))
            out.abandon()
        }
        do {
            let dropped = try ExportOutput(path: path)              // dropped unfinished: same as abandon
            try dropped.write("y")
        }
        #expect(try contents(path) == "old\n")
        #expect(try entries() == ["out.csv"])
    }

    @Test func aSymlinkKeepsPointingAtTheRefreshedFile() throws {
        let real = dir.file("2025-11-24.csv")
        let link = dir.file("latest.csv")
        try "old\n".write(toFile: real, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let out = try ExportOutput(path: link)
        try out.write("new\n")
        try out.finish()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try contents(real) == "new\n")
    }

    /// `--output /dev/null` must not turn the device into a file; a FIFO stands in for it here.
    @Test func aFIFOIsWrittenInPlaceNotReplaced() throws {
        let fifo = dir.file("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Box: @unchecked Sendable { var data = Data() }
        let received = Box()
        let reader = Thread { received.data = FileHandle(forReadingAtPath: fifo)!.readDataToEndOfFile() }
        reader.start()
        let out = try ExportOutput(path: fifo)                       // blocks until the reader opens
        try out.write("through the pipe\n")
        try out.finish()
        while !reader.isFinished { usleep(1_000) }
        #expect(String(decoding: received.data, as: UTF8.self) == "through the pipe\n")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(try entries() == ["pipe"])
    }

    @Test func unusablePathsAreThePathsFault() {
        #expect(throws: ExportOutput.Failure.self) { try ExportOutput(path: dir.path) }
        #expect(throws: ExportOutput.Failure.self) { try ExportOutput(path: dir.file("missing/out.csv")) }
        do { _ = try ExportOutput(path: dir.file("missing/out.csv")) } catch { #expect(error.isPath) }
    }
}
