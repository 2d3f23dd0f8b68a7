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

    /// Validates `bytes` as a policy and, only if it is usable, writes it atomically over the
    /// file and puts it in force (the HTTP `POST /policy`). An invalid policy changes nothing
    /// and comes back as the loader's error, naming the key and line; a write failure also
    /// leaves the previous policy in force, so the file and the running policy never disagree.
    public mutating func replace(with bytes: [UInt8]) throws(PolicyReplaceError) -> Policy {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalid(PolicyError(.syntax, "the policy is not valid UTF-8"))
        }
        let next: Policy
        do { next = try PolicyLoader.load(toml: text) } catch { throw .invalid(error) }
        do { try FileManagerLite.writeAtomically(bytes, to: path) } catch { throw .write(error) }
        policy = next
        contentHash = SHA256Hash.hash(bytes)
        return next
    }

    /// What a reload did.
    public enum ReloadOutcome: Sendable, Equatable {
        /// The content is what is already in force (or is the same bad content as last time).
        case unchanged
        case reloaded
        /// New content that does not load (or a file that cannot be read): the previous policy stays.
        case failed
    }

    /// Re-reads the file; returns true when a new, valid policy is now in force.
    public mutating func reloadIfChanged(logger: Logger) -> Bool { reload(logger: logger) == .reloaded }

    /// Re-reads the file and says what happened; failures are logged here.
    public mutating func reload(logger: Logger) -> ReloadOutcome {
        guard let bytes = FileManagerLite.read(path) else {
            logger.warning("policy reload failed: cannot read the file; keeping the previous policy", metadata: ["policy.file": "\(path)"])
            return .failed
        }
        let hash = SHA256Hash.hash(bytes)
        guard hash != contentHash else { return .unchanged }
        do {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw PolicyError(.syntax, "the policy file is not valid UTF-8", file: path)
            }
            let next = try PolicyLoader.load(toml: text, file: path)
            let previous = policy.hash
            policy = next
            contentHash = hash
            logger.notice("policy reloaded", metadata: ["policy.file": "\(path)", "policy.hash": "\(next.hash)", "policy.previous_hash": "\(previous)"])
            return .reloaded
        } catch {
            contentHash = hash   // do not re-log the same bad content on every record
            logger.error("policy reload failed; keeping the previous policy", metadata: ["policy.file": "\(path)", "error": "\(error)"])
            return .failed
        }
    }
}

/// Why `PolicyFile.replace(with:)` kept the previous policy.
public enum PolicyReplaceError: Error, CustomStringConvertible {
    /// The new policy does not load: the loader's error, naming the key and line.
    case invalid(PolicyError)
    /// It loads, but could not be written over the file.
    case write(ToolError)

    public var description: String {
        switch self {
        case .invalid(let error): error.description
        case .write(let error): error.description
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
