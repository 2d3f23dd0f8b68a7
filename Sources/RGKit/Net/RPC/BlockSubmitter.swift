import Logging

/// Submits found blocks to a node and turns each answer into a `submit` record. A block is
/// worth a block reward, so a transport failure (refused, timeout, reset, the node warming up)
/// is retried with a short capped backoff; a block that still could not be delivered becomes a
/// `submit` record with an error — never a silent drop — and the caller exits non-zero.
/// The node's own answer (accepted, a reject reason, an RPC error such as -22) is final.
public struct BlockSubmitter: Sendable {
    public struct Options: Sendable {
        /// Attempts per block, the first included.
        public var attempts = 10
        public var backoff = Backoff(baseMs: 100, capMs: 2_000)
        public init() {}
    }

    public let client: BitcoinRPCClient
    public let options: Options
    private let logger: Logger

    public init(client: BitcoinRPCClient, options: Options, logger: Logger) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    public func submit(_ block: BlockRecord) async -> SubmitRecord {
        let started = MonotonicClock.nanoseconds()
        let submittedMs = WallClock.milliseconds()
        var backoff = options.backoff
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        var lastError: RPCError?
        while attempt < max(1, options.attempts) {
            attempt += 1
            do throws(RPCError) {
                let answer = try await client.submitBlock(hex: block.blockHex)
                let outcome: SubmitRecord.Outcome = answer.map { .rejected(reason: $0) } ?? .accepted
                let record = SubmitRecord(block: block, outcome: outcome, attempts: attempt, submittedMs: submittedMs, latencyMs: elapsedMs(since: started))
                log(record)
                return record
            } catch {
                lastError = error
                if case .rpc(let code) = error.kind, !error.isTransient {
                    let record = SubmitRecord(block: block, outcome: .rpcError(code: code, message: error.message), attempts: attempt,
                                              submittedMs: submittedMs, latencyMs: elapsedMs(since: started))
                    log(record)
                    return record
                }
                guard error.isTransient || error.kind == .unauthorized, attempt < options.attempts, error.kind != .cancelled else { break }
                let delay = backoff.nextDelayMs(using: &random)
                logger.warning("submitblock failed; retrying", metadata: ["hash": "\(block.hash)", "attempt": "\(attempt)", "error": "\(error)", "retry_in_ms": "\(delay)"])
                do { try await Task.sleep(for: .milliseconds(delay)) } catch { break }
            }
        }
        let message = lastError.map { "\($0)" } ?? "not submitted"
        let record = SubmitRecord(block: block, outcome: .notDelivered(message: message), attempts: attempt, submittedMs: submittedMs, latencyMs: elapsedMs(since: started))
        log(record)
        return record
    }

    private func elapsedMs(since started: UInt64) -> Int64 { Int64((MonotonicClock.nanoseconds() - started) / 1_000_000) }

    private func log(_ record: SubmitRecord) {
        let metadata: Logger.Metadata = ["hash": "\(record.hash)", "height": "\(record.height.map(String.init) ?? "?")", "attempts": "\(record.attempts)",
                                         "latency_ms": "\(record.latencyMs)"]
        switch record.outcome {
        case .accepted: logger.notice("block accepted by the node", metadata: metadata)
        case .rejected(let reason): logger.error("block rejected by the node", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        case .rpcError(let code, let message):
            logger.error("submitblock failed", metadata: metadata.merging(["code": "\(code)", "message": "\(message)"]) { $1 })
        case .notDelivered(let message):
            logger.critical("block NOT submitted", metadata: metadata.merging(["error": "\(message)"]) { $1 })
        }
    }
}
