import ArgumentParser
import Logging
import RGKit

/// `rg-fetch submit`: block records → submitblock → submit records.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read block records on stdin, submit each with submitblock, write a submit record with the node's answer.",
        discussion: """
            Other records pass through unchanged, so it can sit at the end of a pipeline \
            (rg-gate … | rg-fetch submit). Blocks are submitted as they arrive, concurrently; a \
            transport failure (refused, timeout, the node warming up) is retried with a short \
            capped backoff up to --attempts times. Each block gets exactly one submit record: \
            accepted (the node said null), the node's reject reason, its RPC error, or — after the \
            retries — an error saying it was not delivered.
            Exit status: 1 if any block could not be delivered; otherwise 3 if any block was \
            rejected or any input line was bad; otherwise 0. "duplicate" and "inconclusive" \
            are not rejections: the node has the block (it already had it, or it is valid but \
            did not become the tip, a stale block); their submit records say so and they are \
            counted as stale.
            """)

    @OptionGroup(title: "Node")
    var rpc: RPCOptions

    @Option(name: .long, help: "Network for the default RPC port: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK).")
    var network: String?

    @Option(name: .long, help: "Attempts per block on transport failures, the first included.")
    var attempts: Int = 10

    @Option(name: .long, help: "Longest accepted input line in bytes; longer lines are skipped.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-fetch", level: logLevel)
        ProcessSignals.install()
        let logger = Logger(label: "rg-fetch")
        let net = try Setting.network(network)
        guard attempts >= 1 else { throw ToolError(.usage, "--attempts must be ≥ 1") }
        guard maxLineBytes > 0 else { throw ToolError(.usage, "--max-line-bytes must be > 0") }
        let configuration = try rpc.clientConfiguration(network: net)
        let client = BitcoinRPCClient(configuration: configuration, logger: logger)
        var options = BlockSubmitter.Options()
        options.attempts = attempts
        let submitter = BlockSubmitter(client: client, options: options, logger: logger)
        let output = RecordOutput()
        let tally = SubmitTally()
        let lineLimit = maxLineBytes

        let (blocks, continuation) = AsyncStream.makeStream(of: BlockRecord.self)
        BackgroundThread.start {
            defer { continuation.finish() }
            let reader = LineReader(fd: 0, maxLineBytes: lineLimit, wakeFD: ProcessSignals.wakeFD)
            while true {
                let event: LineReader.Event?
                do { event = try reader.next() } catch {
                    FileHandleStderr.write("rg-fetch: stdin: \(error)\n")
                    tally.badLine()
                    return
                }
                guard let event else { return }
                switch event {
                case .oversized(let number, let bytes):
                    FileHandleStderr.write("rg-fetch: line \(number): line_too_long: \(bytes) bytes exceed --max-line-bytes \(lineLimit); skipped\n")
                    tally.badLine()
                case .line(let bytes, let number):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    switch SubmitInput.classify(bytes) {
                    case .block(let block):
                        for mismatch in block.metadataMismatches {
                            FileHandleStderr.write("rg-fetch: line \(number): block \(block.hash): \(mismatch); submitting the block as its header says\n")
                        }
                        continuation.yield(block)
                    case .other:
                        do { try output.write(bytes) } catch {
                            FileHandleStderr.write("rg-fetch: \(error)\n")
                            tally.outputClosed()
                            return
                        }
                    case .invalid(let code, let message):
                        FileHandleStderr.write("rg-fetch: line \(number): \(code): \(message)\n")
                        tally.badLine()
                    }
                }
            }
        }

        await withTaskGroup(of: Void.self) { group in
            for await block in blocks {
                group.addTask {
                    let record = await submitter.submit(block)
                    tally.submitted(record)
                    do { try output.write(record.encoded()) } catch {
                        FileHandleStderr.write("rg-fetch: \(error); the submit record for block \(record.hash) is lost\n")
                        tally.outputClosed()
                    }
                }
            }
        }
        await client.shutdown()
        let totals = tally.totals
        logger.info("done", metadata: ["accepted": "\(totals.accepted)", "stale": "\(totals.stale)", "rejected": "\(totals.rejected)",
                                      "not_delivered": "\(totals.notDelivered)", "bad_lines": "\(totals.badLines)"])
        if totals.notDelivered > 0 || totals.outputClosed {
            throw ToolError(.failure, totals.notDelivered > 0 ? "\(totals.notDelivered) block(s) could not be submitted" : "stdout was closed")
        }
        if totals.rejected > 0 || totals.badLines > 0 { throw ToolError(.inputRejected, "") }
    }
}

/// What one input line of `rg-fetch submit` is.
enum SubmitInput {
    case block(BlockRecord)
    case other
    case invalid(code: String, message: String)

    static func classify(_ bytes: [UInt8]) -> SubmitInput {
        let root: JSONValue
        do { root = try JSONDocument(bytes: bytes).root } catch {
            return .invalid(code: error.code.rawValue, message: error.detail.isEmpty ? "not JSON" : error.detail)
        }
        guard root.kind == .object, let type = root["type"]?.string else {
            return .invalid(code: "invalid_record", message: "not a record (an object with a \"type\")")
        }
        guard type == BlockRecord.type else { return .other }
        do { return .block(try BlockRecord(json: root)) } catch {
            return .invalid(code: "invalid_record", message: error.description)
        }
    }
}

/// Outcome counts, updated from the submission tasks.
final class SubmitTally: @unchecked Sendable {
    private let lock = Lock()
    private var accepted = 0, stale = 0, rejected = 0, notDelivered = 0, bad = 0
    private var closed = false

    func submitted(_ record: SubmitRecord) {
        lock.withLock {
            switch record.outcome {
            case .accepted: accepted += 1
            case .rejected where record.outcome.nodeHasBlock: stale += 1
            case .rejected, .rpcError: rejected += 1
            case .notDelivered: notDelivered += 1
            }
        }
    }
    func badLine() { lock.withLock { bad += 1 } }
    func outputClosed() { lock.withLock { closed = true } }
    var totals: (accepted: Int, stale: Int, rejected: Int, notDelivered: Int, badLines: Int, outputClosed: Bool) {
        lock.withLock { (accepted, stale, rejected, notDelivered, bad, closed) }
    }
}
