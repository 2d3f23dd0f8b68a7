import Foundation
import Testing
@testable import RGKit

@Suite struct AuthorityKeyFileTests {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rg-noise-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func savedKeyIsMode0600AndLoadsBack() throws {
        var rng = SeededGenerator(seed: 600)
        let pair = AuthorityKeyPair.generate(using: &rng)
        let path = Self.temporaryPath("authority.key")
        try pair.save(toFile: path)
        #expect(try Self.mode(path) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.count == 65 && text.hasSuffix("\n"))
        #expect(try AuthorityKeyPair.load(fromFile: path).publicKey == pair.publicKey)
    }

    @Test func existingFileIsNotOverwritten() throws {
        var rng = SeededGenerator(seed: 601)
        let path = Self.temporaryPath("authority.key")
        try AuthorityKeyPair.generate(using: &rng).save(toFile: path)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: NoiseError(.keyFile)) { try AuthorityKeyPair.generate(using: &rng).save(toFile: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func keyReadableByOthersIsRefusedWithTheFix(_ mode: Int) throws {
        var rng = SeededGenerator(seed: 602)
        let path = Self.temporaryPath("authority.key")
        try AuthorityKeyPair.generate(using: &rng).save(toFile: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        do {
            _ = try AuthorityKeyPair.load(fromFile: path)
            Issue.record("loaded a key file with mode \(String(mode, radix: 8))")
        } catch {
            #expect(error.code == .keyFile)
            #expect(error.detail.contains(path))
            #expect(error.detail.contains("chmod 600"))
        }
    }

    @Test(arguments: ["", "zz", String(repeating: "g", count: 64), String(repeating: "0", count: 64),
                      String(repeating: "1", count: 63), String(repeating: "1", count: 66), String(repeating: "1", count: 400)])
    func malformedKeyFilesAreRefused(_ content: String) throws {
        let path = Self.temporaryPath("authority.key")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: NoiseError(.keyFile)) { try AuthorityKeyPair.load(fromFile: path) }
    }

    @Test func missingFileNamesThePath() {
        let path = Self.temporaryPath("absent.key")
        do {
            _ = try AuthorityKeyPair.load(fromFile: path)
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.code == .keyFile)
            #expect(error.detail.contains(path))
        }
    }

    @Test func hexWithATrailingNewlineAndCRLFLoads() throws {
        let path = Self.temporaryPath("authority.key")
        let secret = "65995eb19631f478a46ffa5cf1e545091efe950eaeac7482ffdc06eb6a89f697"
        #expect(FileManager.default.createFile(atPath: path, contents: Data((secret + "\r\n").utf8), attributes: [.posixPermissions: 0o600]))
        // SRI's example pair: this secret's public key.
        #expect(try AuthorityKeyPair.load(fromFile: path).publicKey.authorityBase58Check == "9auqWEzQDVyd2oe1JVGFLMLHZtCo2FFqZwtKA5gd9xbuEu7PH72")
    }
}
