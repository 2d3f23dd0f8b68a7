import Dispatch

/// The merkle roots of one template for many standard channels, each with its own extranonce.
///
/// A new tip needs one root per standard channel (a coinbase txid and a branch fold, ≈ 4.6 µs
/// each here), all before the first job can carry its root: 10,000 channels cost ≈ 46 ms on
/// one core. The roots are independent, so past `parallelThreshold` channels they are computed
/// on every core at once; the result is the same as computing them one by one.
enum StandardJobRoots {
    /// Below this, spreading the work costs more than it saves.
    static let parallelThreshold = 512

    static func compute(_ template: JobTemplate, extranonces: [[UInt8]],
                        workers: Int) -> [Bytes32] {
        let count = extranonces.count
        let workers = min(max(1, workers), count / (parallelThreshold / 2))
        guard count >= parallelThreshold, workers > 1 else {
            return extranonces.map { template.merkleRoot(extranonce: $0).wire }
        }
        return [Bytes32](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each worker writes only its own contiguous slice, so sharing the pointer is safe.
            nonisolated(unsafe) let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in (count * worker / workers)..<(count * (worker + 1) / workers) {
                    (base + index).initialize(to: template.merkleRoot(extranonce: extranonces[index]).wire)
                }
            }
            initialized = count
        }
    }
}
