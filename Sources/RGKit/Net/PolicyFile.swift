import Logging

/// The policy as a file on disk: loaded strictly at start-up (an unusable file is a usage
/// error, never a silent permissive default) and reloaded when its content changes, keeping
/// the previous policy if the new content is invalid.
public struct PolicyFile: Sendable {
    public let path: String
    public private(set) var policy: Policy
    private var contentHash: Bytes32

    public init(path: String) throws(ToolError) {
        self.path = path
        let (policy, hash) = try PolicyFile.read(path)
        self.policy = policy
        contentHash = hash
    }

    /// Loads and validates a policy file (for `check` and start-up).
    public static func load(_ path: String) throws(ToolError) -> Policy { try read(path).0 }

    private static func read(_ path: String) throws(ToolError) -> (Policy, Bytes32) {
        guard let bytes = FileManagerLite.read(path) else {
            throw ToolError(.usage, "\(path): cannot read the policy file (\(String(cString: strerror(errno))))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ToolError(.usage, "\(path): the policy file is not valid UTF-8")
        }
        do {
            return (try PolicyLoader.load(toml: text, file: path), SHA256Hash.hash(bytes))
        } catch {
            throw ToolError(.usage, error.description)
        }
    }

    /// Re-reads the file; returns true when a new, valid policy is now in force.
    public mutating func reloadIfChanged(logger: Logger) -> Bool {
        guard let bytes = FileManagerLite.read(path) else {
            logger.warning("policy reload failed: cannot read the file; keeping the previous policy", metadata: ["policy.file": "\(path)"])
            return false
        }
        let hash = SHA256Hash.hash(bytes)
        guard hash != contentHash else { return false }
        do {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw PolicyError(.syntax, "the policy file is not valid UTF-8", file: path)
            }
            let next = try PolicyLoader.load(toml: text, file: path)
            let previous = policy.hash
            policy = next
            contentHash = hash
            logger.notice("policy reloaded", metadata: ["policy.file": "\(path)", "policy.hash": "\(next.hash)", "policy.previous_hash": "\(previous)"])
            return true
        } catch {
            contentHash = hash   // do not re-log the same bad content on every record
            logger.error("policy reload failed; keeping the previous policy", metadata: ["policy.file": "\(path)", "error": "\(error)"])
            return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
