import ServiceLifecycle
import UnixSignals

/// Keeps a server's policy in step with its file: SIGHUP reloads at once, and the file
/// watcher's flag is checked every `pollInterval`, so an edit shows on `GET /policy` even
/// while no template arrives (the verdict worker also checks before every batch, so an edit
/// always applies to the next verdict).
public struct PolicyReloadService: Service {
    public let live: LivePolicy
    public let pollInterval: Duration

    public init(live: LivePolicy, pollInterval: Duration = .milliseconds(500)) {
        self.live = live
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        let live = self.live
        let pollInterval = self.pollInterval
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups { live.reload() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: pollInterval)
                        live.reloadIfRequested(signalled: false)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
