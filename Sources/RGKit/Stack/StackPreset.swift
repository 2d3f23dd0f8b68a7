/// The stacks an operator starts from. Each is a plain `StackFile`: `rg-stack preset NAME`
/// prints it as TOML to be edited, `rg-stack run --preset NAME` runs it as is.
///
/// - `demo`: no node. `rg-feed demo` (regtest) feeds `rg-feed rpc`, which stands in for
///   bitcoind; `rg-fetch` polls it like a node, `rg-verify` judges, `rg-gate` (inline) hands
///   accepted work to `rg-miner`, and found blocks go back to the stand-in through
///   `rg-fetch submit`; the feed follows the blocks the stand-in accepts, so each becomes the
///   tip the next template builds on. The dashboard runs on the same database.
/// - `shadow`: a real node's templates judged and recorded; no miners are touched.
/// - `observe`: miners get every template's work; verdicts are recorded beside it.
/// - `inline`: miners get only work from accepted templates.
public enum StackPreset: String, Sendable, CaseIterable {
    case demo, shadow, observe, inline

    public struct Options: Sendable, Equatable {
        /// Where keys, the database and logs live (`<var>/log`, `<var>/rg.sqlite`).
        public var varDirectory = "var"
        public var policy = "config/policy.toml"
        /// The node (shadow/observe/inline): its RPC URL and cookie file. User/password come
        /// from `RG_RPC_USER`/`RG_RPC_PASS` in the environment instead, never from the stack file.
        public var rpcURL: String?
        public var rpcCookie: String?
        /// Where miners connect (observe/inline/demo).
        public var gateListen = "127.0.0.1:3336"
        /// The pool's payout (observe/inline); the demo pays a fixed regtest address.
        public var payoutAddress: String?
        /// The chain the payout address must belong to (observe/inline; the demo is regtest).
        public var network = "mainnet"
        /// The dashboard's address; nil leaves the dashboard out.
        public var dashboardListen: String? = "127.0.0.1:8084"
        /// Demo only: seconds between synthetic templates.
        public var demoIntervalSeconds = 5
        public init() {}
    }

    /// The regtest address the demo pays: P2WPKH of HASH160 = 20 × 0x11, so anyone can see it
    /// is not a real wallet.
    public static let demoPayoutAddress = "bcrt1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3lgth6c"

    public func stack(_ o: Options) throws(ToolError) -> StackFile {
        let database = "\(o.varDirectory)/rg.sqlite"
        let authorityKey = "\(o.varDirectory)/authority.key"
        let authorityPublicKey = "\(o.varDirectory)/authority.pub"
        let logDirectory = "\(o.varDirectory)/log"
        var setup: [StackFile.SetupStep] = []
        var tools: [StackFile.Tool] = []
        let rpc: [String]
        switch self {
        case .demo:
            let cookie = "\(o.varDirectory)/node.cookie"
            rpc = ["--rpc", "http://127.0.0.1:18444", "--rpc-cookie", cookie]
            // The feed follows the blocks the stand-in node accepts (its kept output), so a block
            // rg-miner finds becomes the tip and the next template builds on it, as with a node.
            tools.append(.init(name: "demo-feed", command: ["rg-feed", "demo", "--network", "regtest", "--scenario", "cycle",
                                                             "--interval", "\(o.demoIntervalSeconds)s",
                                                             "--follow-blocks", "\(logDirectory)/node.ndjson"]))
            tools.append(.init(name: "node", command: ["rg-feed", "rpc", "--listen", "127.0.0.1:18444", "--network", "regtest",
                                                        "--rpc-cookie", cookie],
                               stdinFrom: "demo-feed", keepOutput: true))
            tools.append(.init(name: "fetch", command: ["rg-fetch"] + rpc, startDelayMs: 500))
        case .shadow, .observe, .inline:
            guard let url = o.rpcURL else { throw ToolError(.usage, "the \(rawValue) preset needs the node's RPC URL (--rpc)") }
            var flags = ["--rpc", url]
            if let cookie = o.rpcCookie { flags += ["--rpc-cookie", cookie] }
            rpc = flags
            tools.append(.init(name: "fetch", command: ["rg-fetch"] + rpc))
        }
        var verify = ["rg-verify", "--policy", o.policy, "--db", database]
        // The demo's templates are regtest's: judged by mainnet's subsidy they would all fail.
        if self == .demo { verify += ["--network", "regtest"] }
        tools.append(.init(name: "verify", command: verify, stdinFrom: "fetch", keepOutput: self == .shadow))
        if self != .shadow {
            setup.append(.init(command: ["rg-gate", "keygen", "--output", authorityKey], creates: authorityKey))
            // Miners get the public half only, refreshed at every start.
            setup.append(.init(command: ["rg-gate", "pubkey", "--key", authorityKey], stdout: authorityPublicKey))
            let payout: String
            if self == .demo {
                payout = Self.demoPayoutAddress
            } else {
                guard let address = o.payoutAddress else { throw ToolError(.usage, "the \(rawValue) preset needs --payout-address") }
                payout = address
            }
            var gate = ["rg-gate", "--mode", self == .observe ? "observe" : "inline", "--listen", o.gateListen,
                        "--authority-key", authorityKey, "--payout", payout, "--db", database]
            if self == .demo {
                gate += ["--network", "regtest", "--min-difficulty", "0.0001", "--default-difficulty", "0.0001"]
            } else {
                gate += ["--network", o.network]
            }
            tools.append(.init(name: "gate", command: gate, stdinFrom: "verify"))
            tools.append(.init(name: "submit", command: ["rg-fetch", "submit"] + rpc, stdinFrom: "gate", keepOutput: true))
            if self == .demo {
                tools.append(.init(name: "miner", command: ["rg-miner", "--connect", o.gateListen,
                                                             "--authority-pubkey-file", authorityPublicKey, "--worker", "demo", "--threads", "1"],
                                   keepOutput: true, startDelayMs: 1_000))
            }
        }
        if let listen = o.dashboardListen {
            tools.append(.init(name: "dashboard", command: ["rg-stat", "serve", "--listen", listen, "--db", database, "--policy", o.policy]))
        }
        return StackFile(logDirectory: logDirectory, setup: setup, tools: tools)
    }
}
