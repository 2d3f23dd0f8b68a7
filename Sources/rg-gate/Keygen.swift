import ArgumentParser
import RGKit

/// `rg-gate keygen`: creates the authority key miners will pin.
struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a Noise authority key pair and print its public key for miner configs.",
        discussion: """
            Writes the 32-byte secret as hex to --output, created with mode 0600 and never \
            overwritten. Prints one `authority_key` record on stdout with the public key in both \
            forms miners accept: 64 hex digits (x-only) and base58check with the 01 00 version \
            prefix. The secret itself is never printed.
            """)

    @Option(name: .long, help: "Where to write the secret key (env: RG_AUTHORITY_KEY; default: var/authority.key).")
    var output: String?

    func run() async throws {
        let path = Setting.string(output, env: "RG_AUTHORITY_KEY", default: "var/authority.key")!
        var rng = SecureRandomNumberGenerator()
        let key = AuthorityKeyPair.generate(using: &rng)
        do {
            try FileManagerLite.createParentDirectory(of: path)
            try key.save(toFile: path)
        } catch let error as NoiseError {
            throw ToolError(.usage, "\(error)")
        }
        try AuthorityKeyRecord(path: path, key: key.publicKey).print()
        FileHandleStderr.write("rg-gate: wrote \(path) (mode 0600); give miners the public key \(key.publicKey.authorityBase58Check)\n")
    }
}

/// `rg-gate pubkey`: shows the public key of an existing key file.
struct Pubkey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the public key of an authority key file in both miner-config forms.")

    @Option(name: .long, help: "The secret key file (env: RG_AUTHORITY_KEY; default: var/authority.key).")
    var key: String?

    func run() async throws {
        let path = Setting.string(key, env: "RG_AUTHORITY_KEY", default: "var/authority.key")!
        let pair: AuthorityKeyPair
        do { pair = try AuthorityKeyPair.load(fromFile: path) } catch { throw ToolError(.usage, "\(error)") }
        try AuthorityKeyRecord(path: path, key: pair.publicKey).print()
    }
}

struct AuthorityKeyRecord {
    let path: String
    let key: XOnlyPublicKey

    func print() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "authority_key")
        w.field("path", path)
        w.field("public_key_hex", key.hex)
        w.field("public_key_base58check", key.authorityBase58Check)
        w.endObject()
        do { try RecordOutput().write(w.bytes) } catch { throw ToolError(.failure, error.description) }
    }
}
