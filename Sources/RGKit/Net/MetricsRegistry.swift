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
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = durationBuckets
            MetricsSystem.bootstrap(factory)
            installed = registry
            return registry
        }
    }

    /// Buckets for every `Timer`: the library's default starts at 5 ms, but a verdict takes
    /// microseconds and its p99 target is 1 ms, so the scale starts at 10 µs and still reaches 10 s.
    public static let durationBuckets: [Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
        .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(10),
    ]

    /// The Prometheus text exposition of everything registered so far.
    public static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        bootstrap().emit(into: &buffer)
        return buffer
    }
}
