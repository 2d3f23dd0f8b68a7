/// The feed relay's token file on disk: read, and rewritten atomically with mode 0600.
public enum FeedTokenFile {
    public static func load(_ path: String, missingIsEmpty: Bool) throws(ToolError) -> FeedTokens {
        guard let bytes = FileManagerLite.read(path) else {
            if missingIsEmpty { return FeedTokens() }
            throw ToolError(.usage, "\(path): cannot read the token file (create tokens with `rg-feed token add`)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ToolError(.usage, "\(path): not UTF-8") }
        do { return try FeedTokens(fileText: text) } catch { throw ToolError(error.exit, "\(path): \(error.message)") }
    }

    public static func save(_ tokens: FeedTokens, to path: String) throws(ToolError) {
        try FileManagerLite.createParentDirectory(of: path)
        try FileManagerLite.writeAtomically(Array(tokens.fileText.utf8), to: path, mode: 0o600)
    }
}
