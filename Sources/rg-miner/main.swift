import ArgumentParser
import RGKit

/// rg-miner: a CPU miner over Stratum V2, and a swarm of simulated miners for load tests.
struct RGMiner: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-miner",
        abstract: "A Stratum V2 CPU miner (Noise-encrypted) and a load-generating swarm of miners.",
        discussion: "Exit status: 0 ok, 1 runtime failure (connection lost, handshake refused), 2 usage error, 3 some shares rejected.",
        subcommands: [Mine.self, Swarm.self],
        defaultSubcommand: Mine.self)
}

/// `--connect` and `--authority-pubkey`, shared by both subcommands.
struct PoolOptions: ParsableArguments {
    @Option(name: .long, help: "The gateway's SV2 address, HOST:PORT (env: RG_CONNECT).")
    var connect: String?

    @Option(name: .long, help: "The pool's authority public key: 64 hex digits or base58check, as `rg-gate pubkey` prints it (env: RG_AUTHORITY_PUBKEY).")
    var authorityPubkey: String?

    @Option(name: .long, help: ArgumentHelp("A file holding that key: `rg-gate pubkey` output (its authority_key record) or the key itself.", valueName: "path"))
    var authorityPubkeyFile: String?

    @Option(name: .long, help: "Give up on a connection whose TCP connect or Noise handshake takes longer (e.g. 10s).")
    var handshakeTimeout: String = "10s"

    @Option(name: .long, help: "Log level (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func resolve() throws -> (host: String, port: Int, key: XOnlyPublicKey, handshakeTimeoutMs: Int64) {
        guard let endpoint = Setting.string(connect, env: "RG_CONNECT") else {
            throw ToolError(.usage, "--connect HOST:PORT is required")
        }
        guard let (host, port) = MinerConnector.parseEndpoint(endpoint) else {
            throw ToolError(.usage, "--connect: \"\(endpoint)\" is not HOST:PORT with a port in 1...65535")
        }
        if authorityPubkey != nil && authorityPubkeyFile != nil {
            throw ToolError(.usage, "give --authority-pubkey or --authority-pubkey-file, not both")
        }
        var fileKey: String?
        if let path = authorityPubkeyFile {
            guard let bytes = FileManagerLite.read(path) else { throw ToolError(.usage, "--authority-pubkey-file: cannot read \(path)") }
            fileKey = try Self.key(inFile: bytes, path: path)
        }
        guard let keyText = fileKey ?? Setting.string(authorityPubkey, env: "RG_AUTHORITY_PUBKEY") else {
            throw ToolError(.usage, "--authority-pubkey is required: the pool's key, so a man in the middle cannot pose as the pool")
        }
        let key: XOnlyPublicKey
        do { key = try XOnlyPublicKey(authorityKey: keyText) } catch { throw ToolError(.usage, "--authority-pubkey: \(error)") }
        guard let timeout = DurationText.milliseconds(handshakeTimeout), timeout > 0 else {
            throw ToolError(.usage, "--handshake-timeout: \"\(handshakeTimeout)\" is not a positive duration")
        }
        return (host, port, key, timeout)
    }

    /// The key in a public-key file: an `authority_key` record's `public_key_hex`, or the file's
    /// text when it is the key alone.
    static func key(inFile bytes: [UInt8], path: String) throws(ToolError) -> String {
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        guard text.hasPrefix("{") else { return text }
        let hex: String?
        do throws(JSONError) {
            hex = try JSONDocument(bytes: Array(text.utf8)).root["public_key_hex"]?.string
        } catch {
            throw ToolError(.usage, "--authority-pubkey-file: \(path): \(error)")
        }
        guard let hex else { throw ToolError(.usage, "--authority-pubkey-file: \(path) is JSON without public_key_hex") }
        return hex
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        var view = String.UnicodeScalarView(scalars)
        while let last = view.last, last == " " || last == "\n" || last == "\r" || last == "\t" { view.removeLast() }
        return String(view)
    }
}

await RGMiner.mainWithToolExits(tool: "rg-miner")
