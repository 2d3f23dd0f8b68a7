import ArgumentParser
import RGKit

/// `rg-feed token add|list|revoke`: the relay's bearer tokens.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the feed relay's bearer tokens (stored as SHA-256 hashes).",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Location: ParsableArguments {
        @Option(name: .long, help: "Token file (env: RG_FEED_TOKENS; default: var/feed-tokens).")
        var tokens: String?
        var path: String { Setting.string(tokens, env: "RG_FEED_TOKENS", default: "var/feed-tokens")! }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once (a `token` record); only its hash is kept.")
        @OptionGroup var location: Location
        @Option(name: .long, help: "A label to recognise the token by (who or what uses it).")
        var label: String = ""

        func run() async throws {
            var list = try FeedTokenFile.load(location.path, missingIsEmpty: true)
            var rng = SecureRandomNumberGenerator()
            let (entry, token) = list.add(label: label, nowMs: WallClock.milliseconds(), using: &rng)
            try FeedTokenFile.save(list, to: location.path)
            try emit(entry, token: token)
            FileHandleStderr.write("rg-feed: token \(entry.id) created; it is shown once — give it to the subscriber as RG_FEED_TOKEN\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids, labels, state; never the tokens).")
        @OptionGroup var location: Location

        func run() async throws {
            for entry in try FeedTokenFile.load(location.path, missingIsEmpty: true).entries { try emit(entry, token: nil) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token; a running relay closes the connections that use it.")
        @OptionGroup var location: Location
        @Argument(help: "The token id (from `rg-feed token list`).")
        var id: String

        func run() async throws {
            var list = try FeedTokenFile.load(location.path, missingIsEmpty: false)
            guard list.revoke(id: id, nowMs: WallClock.milliseconds()) else {
                throw ToolError(.usage, "no active token with id \"\(id)\" in \(location.path)")
            }
            try FeedTokenFile.save(list, to: location.path)
            if let entry = list.entries.first(where: { $0.id == id }) { try emit(entry, token: nil) }
        }
    }
}

private func emit(_ entry: FeedTokens.Entry, token: String?) throws {
    var w = JSONWriter()
    w.beginObject()
    w.field("type", "token")
    w.field("id", entry.id)
    w.field("label", entry.label)
    if let token { w.field("token", token) }
    w.field("created_ms", entry.createdMs)
    w.field("revoked_ms", entry.revokedMs)
    w.endObject()
    do { try RecordOutput().write(w.bytes) } catch { throw ToolError(.failure, error.description) }
}
