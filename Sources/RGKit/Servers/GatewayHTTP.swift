import Hummingbird

/// The gateway's HTTP side (own port, loopback by default): liveness, readiness, the channel
/// table and Prometheus metrics. Read-only; nothing here changes the gateway.
public enum GatewayHTTP {
    /// What `/readyz` checks besides the server itself.
    public struct Readiness: Sendable {
        /// The authority key loaded (it is loaded before the listener starts, and a failed
        /// SIGHUP reload keeps the old one, so this is true whenever the server runs).
        public var keyLoaded: @Sendable () -> Bool
        public init(keyLoaded: @escaping @Sendable () -> Bool) { self.keyLoaded = keyLoaded }
    }

    public static func router(server: GatewayServer, readiness: Readiness) -> Router<ClientRequestContext> {
        let router = Router(context: ClientRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("healthz") { _, _ in HTTPBody.jsonObject(["status": "ok"]) }
        router.get("readyz") { _, _ in
            let listening = server.isListening, key = readiness.keyLoaded(), job = server.hasJob
            let ready = listening && key && job
            return HTTPBody.jsonObject(["ready": ready, "listener_bound": listening, "key_loaded": key, "job_available": job],
                                       status: ready ? .ok : .serviceUnavailable)
        }
        router.get("channels") { _, _ in
            HTTPBody.json(server.channelStatus())
        }
        router.get("metrics") { _, _ in
            var text = server.metricsText()
            text += String(decoding: MetricsRegistry.exposition(), as: UTF8.self)
            return HTTPBody.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }
}
