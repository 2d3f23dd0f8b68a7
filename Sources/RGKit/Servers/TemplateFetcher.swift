import Logging

/// The `rg-fetch` loop: learns the node's network, then fetches `getblocktemplate` — with
/// longpoll when the node offers a `longpollid`, so a new block reaches the pipeline as soon as
/// the node knows it rather than at the next poll — and emits a `template` record whenever the
/// work changed (`TemplateChangeDetector`), with `getmempoolinfo` attached (null when that call
/// failed or the mempool is not loaded).
///
/// A node outage (refused connection, timeout, warm-up, initial block download, not
/// connected…) is reported once on stderr with its reason, retried with capped exponential
/// backoff and jitter, and its end is reported with its duration; the backoff resets after the
/// first success. The change detector survives the outage, so the template the node serves
/// after it restarts is not emitted again if it is the same work.
public final class TemplateFetcher: Sendable {
    public struct Options: Sendable {
        /// `--network`: the node's chain must be this one.
        public var expectedNetwork: Network?
        /// Wait between polls when the node offers no longpoll (or `longPoll` is off).
        public var pollIntervalMs: Int64 = 1_000
        public var longPoll = true
        /// Emit the first template and return.
        public var once = false
        /// With `once`: give up after this many failed attempts.
        public var onceAttempts = 5
        public var backoff = Backoff(baseMs: 250, capMs: 10_000)
        public var reminderIntervalMs: Int64 = 30_000
        /// A longpoll that comes back unchanged sooner than this is followed by a pause, so a
        /// server that answers longpolls at once cannot make us spin.
        public var minimumUnchangedIntervalMs: Int64 = 100

        public init() {}
    }

    public let client: BitcoinRPCClient
    public let options: Options
    private let logger: Logger
    private let emit: @Sendable ([UInt8]) throws -> Void

    /// `emit` receives each template record (without the newline); an error it throws stops
    /// the loop (a closed stdout).
    public init(client: BitcoinRPCClient, options: Options, logger: Logger, emit: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.client = client
        self.options = options
        self.logger = logger
        self.emit = emit
    }

    /// Runs until cancelled (returns normally), or with `once` until one template is out.
    /// Throws `ToolError` for a wrong network (usage) or a failure that ends the run.
    public func run() async throws(ToolError) {
        var detector = TemplateChangeDetector()
        var backoff = options.backoff
        var outage = OutageTracker(reminderIntervalMs: options.reminderIntervalMs)
        var mempoolOutage = OutageTracker(reminderIntervalMs: options.reminderIntervalMs)
        var random = SystemRandomNumberGenerator()
        var network: Network?
        var longPollID: String?
        var failedAttempts = 0

        while !Task.isCancelled {
            let started = MonotonicClock.nanoseconds()
            let pending = options.longPoll ? longPollID : nil
            do {
                if network == nil { network = try await learnNetwork() }
                let rules = network == .signet ? ["segwit", "signet"] : ["segwit"]
                let reply = try await client.getBlockTemplate(rules: rules, longPollID: pending)
                let template: BlockTemplate
                do {
                    template = try BlockTemplate(json: reply.value, path: "getblocktemplate")
                } catch {
                    throw RPCError(.malformedReply, "\(error)", method: "getblocktemplate", endpoint: client.endpoint)
                }
                if let report = outage.succeeded(nowMs: WallClock.milliseconds()) { log(report, nextDelayMs: nil) }
                backoff.reset()
                failedAttempts = 0

                let id = TemplateID.compute(template)
                let change = detector.observe(template, id: id)
                if change.isChange {
                    let mempool = await mempoolStats(&mempoolOutage)
                    let record = TemplateRecord.encode(id: id, source: "rpc", receivedMs: reply.receivedMs, mempool: mempool, gbtJSON: reply.value.rawBytes)
                    do { try emit(record) } catch { throw ToolError(.failure, "\(error)") }
                    let metadata: Logger.Metadata = ["template.id": "\(id)", "height": "\(template.height)", "txs": "\(template.transactions.count)"]
                    if change == .newTip || change == .first {
                        logger.info("new tip", metadata: metadata.merging(["prev_hash": "\(template.previousBlockHashText)"]) { $1 })
                    } else {
                        logger.debug("new transactions", metadata: metadata)
                    }
                }
                if options.once { return }
                longPollID = template.longPollID
                if !options.longPoll || longPollID == nil {
                    try await pause(options.pollIntervalMs)
                } else if !change.isChange {
                    let elapsedMs = Int64((MonotonicClock.nanoseconds() - started) / 1_000_000)
                    if elapsedMs < options.minimumUnchangedIntervalMs { try await pause(options.minimumUnchangedIntervalMs - elapsedMs) }
                }
            } catch let error as ToolError {
                throw error
            } catch {
                let error = (error as? RPCError) ?? RPCError(.transport, "\(error)", endpoint: client.endpoint)
                if error.kind == .cancelled || Task.isCancelled { return }
                if pending != nil, error.kind == .timeout {
                    // A longpoll the node held past our deadline: not an outage. Ask afresh
                    // with an ordinary call, which also checks the node still answers.
                    logger.debug("longpoll timed out; polling afresh")
                    longPollID = nil
                    continue
                }
                failedAttempts += 1
                if options.once, failedAttempts >= options.onceAttempts {
                    throw ToolError(.failure, "\(error) (gave up after \(failedAttempts) attempts)")
                }
                // After a failure the node may have restarted: start again with a plain call.
                longPollID = nil
                let delay = backoff.nextDelayMs(using: &random)
                if let report = outage.failed(reason: error.description, nowMs: WallClock.milliseconds()) {
                    log(report, nextDelayMs: delay)
                } else {
                    logger.debug("retrying", metadata: ["error": "\(error)", "retry_in_ms": "\(delay)"])
                }
                do { try await pause(delay) } catch { return }
            }
        }
    }

    private func pause(_ milliseconds: Int64) async throws(RPCError) {
        do {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } catch {
            throw RPCError(.cancelled, "", endpoint: client.endpoint)
        }
    }

    /// `getblockchaininfo` → the network, checked against `--network`.
    private func learnNetwork() async throws -> Network {
        let info = try await client.getBlockchainInfo()
        guard let network = info.network else {
            throw RPCError(.malformedReply, "getblockchaininfo reports chain \"\(info.chain)\", which is not a network rg-fetch knows", method: "getblockchaininfo", endpoint: client.endpoint)
        }
        if let expected = options.expectedNetwork, expected != network {
            // Not retried: the wrong node, or the wrong flag.
            throw ToolError(.usage, "--network \(expected.name), but the node at \(client.configuration.endpoint) is on \(network.name) (getblockchaininfo chain \"\(info.chain)\")")
        }
        logger.info("node", metadata: ["rpc": "\(client.configuration.endpoint)", "network": "\(network.name)",
                                       "blocks": "\(info.blocks.map(String.init) ?? "?")",
                                       "initial_block_download": "\(info.initialBlockDownload.map(String.init) ?? "?")"])
        return network
    }

    /// `getmempoolinfo`, or nil (unknown) when it fails — a template is never held back for it.
    private func mempoolStats(_ outage: inout OutageTracker) async -> MempoolStats? {
        do {
            let stats = try await client.getMempoolStats()
            if let report = outage.succeeded(nowMs: WallClock.milliseconds()), case .ended(let ms, _) = report {
                logger.notice("getmempoolinfo answers again", metadata: ["outage_ms": "\(ms)"])
            }
            return stats
        } catch {
            if let report = outage.failed(reason: error.description, nowMs: WallClock.milliseconds()) {
                switch report {
                case .began(let reason), .continuing(let reason, _, _):
                    logger.warning("mempool unknown: templates carry \"mempool\":null", metadata: ["error": "\(reason)"])
                case .ended: break
                }
            }
            return nil
        }
    }

    private func log(_ report: OutageTracker.Report, nextDelayMs: Int64?) {
        let rpc = "\(client.configuration.endpoint)"
        switch report {
        case .began(let reason):
            logger.warning("node unavailable", metadata: ["rpc": "\(rpc)", "error": "\(reason)", "retry_in_ms": "\(nextDelayMs ?? 0)"])
        case .continuing(let reason, let downForMs, let failures):
            logger.warning("node still unavailable", metadata: ["rpc": "\(rpc)", "error": "\(reason)", "down_ms": "\(downForMs)",
                                                                "attempts": "\(failures)", "retry_in_ms": "\(nextDelayMs ?? 0)"])
        case .ended(let downForMs, let failures):
            logger.notice("node available again", metadata: ["rpc": "\(rpc)", "down_ms": "\(downForMs)", "attempts": "\(failures)"])
        }
    }
}
