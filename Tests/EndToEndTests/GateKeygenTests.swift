import Foundation
import Testing
@testable import RGKit

@Suite struct GateKeygenTests {
    @Test func keygenWritesAPrivateKeyFileAndPrintsBothPublicForms() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("keys/authority.key")
        let made = try Tool.run("rg-gate", ["keygen", "--output", path])
        #expect(made.status == 0, "\(made.err)")
        let record = try JSONDocument(bytes: [UInt8](made.stdout)).root
        let hex = try #require(record["public_key_hex"]?.string)
        let base58 = try #require(record["public_key_base58check"]?.string)
        #expect(try XOnlyPublicKey(authorityKey: base58).hex == hex)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!made.out.contains(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The same key comes back from the file; an existing file is never overwritten.
        let shown = try Tool.run("rg-gate", ["pubkey", "--key", path])
        #expect(try JSONDocument(bytes: [UInt8](shown.stdout)).root["public_key_hex"]?.string == hex)
        let again = try Tool.run("rg-gate", ["keygen", "--output", path])
        #expect(again.status == 2)
        #expect(try JSONDocument(bytes: [UInt8](Tool.run("rg-gate", ["pubkey", "--key", path]).stdout)).root["public_key_hex"]?.string == hex)
    }

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("authority.key")
        #expect(try Tool.run("rg-gate", ["keygen", "--output", path]).status == 0)
        chmod(path, 0o644)
        let refused = try Tool.run("rg-gate", ["pubkey", "--key", path])
        #expect(refused.status == 2)
        #expect(refused.err.contains("chmod 600"))
        #expect(refused.stdout.isEmpty)
    }
}
