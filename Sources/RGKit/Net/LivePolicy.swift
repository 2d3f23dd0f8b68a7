import Logging
import Metrics

/// The policy a running `rg-verify` judges by, kept in step with its file: reloaded on SIGHUP
/// and when the file's content changes (the pipe and the server share this), and replaced over
/// HTTP (`POST /policy`) by validating, writing the file atomically and swapping it in. Every
/// path goes through one lock, so a reload and an HTTP update never interleave, and through
/// `PolicyFile`'s content hash, so the watcher noticing our own write does not reload twice.
public final class LivePolicy: @unchecked Sendable {
    public let verifier: TemplateVerifier
    public let path: String
    private var file: PolicyFile
    private let watcher: FileChangeWatcher?
    private let lock = Lock()
    private let logger: Logger
    private let reloadsSucceeded = Counter(label: "rg_verify_policy_reloads_total", dimensions: [("result", "success")])
    private let reloadsFailed = Counter(label: "rg_verify_policy_reloads_total", dimensions: [("result", "failed")])

    /// Loads the file strictly (an unusable policy at start-up is a usage error, exit 2) and
    /// starts watching it.
    public init(path: String, options: TemplateVerifier.Options, logger: Logger) throws(ToolError) {
        self.path = path
        file = try PolicyFile(path: path)
        verifier = TemplateVerifier(policy: file.policy, options: options)
        watcher = FileChangeWatcher(path: path)
        self.logger = logger
    }

    /// The policy in force.
    public var policy: Policy { lock.withLock { file.policy } }

    /// Re-reads the file if SIGHUP arrived (`signalled`) or the watcher saw a change since the
    /// last call. Cheap when nothing happened (two flag reads, no syscall), so the pipe calls
    /// it between records and the server before each batch. Returns true when a new policy is
    /// now in force.
    @discardableResult
    public func reloadIfRequested(signalled: Bool) -> Bool {
        let changed = watcher?.takeChange() == true
        guard signalled || changed else { return false }
        return reload()
    }

    /// Re-reads the file now; a bad edit keeps the previous policy and is logged.
    @discardableResult
    public func reload() -> Bool {
        lock.withLock {
            switch file.reload(logger: logger) {
            case .reloaded:
                verifier.replacePolicy(file.policy)
                reloadsSucceeded.increment()
                return true
            case .failed:
                reloadsFailed.increment()
                return false
            case .unchanged:
                return false
            }
        }
    }

    /// Validates `toml`, writes it over the policy file and puts it in force for the next
    /// verdict. Throws without changing anything when it does not load or cannot be written.
    public func replace(toml: [UInt8]) throws(PolicyReplaceError) -> Policy {
        try lock.withLock { () throws(PolicyReplaceError) -> Policy in
            let previous = file.policy.hash
            do throws(PolicyReplaceError) {
                let next = try file.replace(with: toml)
                verifier.replacePolicy(next)
                reloadsSucceeded.increment()
                logger.notice("policy replaced over HTTP", metadata: [
                    "policy.file": "\(path)", "policy.hash": "\(next.hash)", "policy.previous_hash": "\(previous)",
                ])
                return next
            } catch {
                reloadsFailed.increment()
                logger.warning("policy update refused; keeping the previous policy", metadata: ["error": "\(error)"])
                throw error
            }
        }
    }
}
