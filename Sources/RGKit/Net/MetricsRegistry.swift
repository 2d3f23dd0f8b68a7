import CoreMetrics
import Metrics
import Prometheus

/// One Prometheus registry per process, installed as the swift-metrics backend, so every
/// `Counter`/`Gauge`/`Timer` the tools create appears on `/metrics`. Names follow
/// `rg_<tool>_<noun>_<unit>`; counters are created with their `_total` suffix already in the
/// name and the exporter does not add another (no `_total_total`).
public enum MetricsRegistry {
    nonisolated(unsafe) private static var installed: PrometheusCollectorRegistry?
    private static let lock = Lock()

    /// Installs the registry once (later calls return the same one).
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        lock.withLock {
            if let installed { return installed }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            installed = registry
            return registry
        }
    }

    /// The Prometheus text exposition of everything registered so far.
    public static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        bootstrap().emit(into: &buffer)
        return buffer
    }
}
