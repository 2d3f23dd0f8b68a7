#if canImport(Glibc)
import Glibc
#endif

/// A quick measurement of this machine's single-thread SHA-256d header rate, so a miner can
/// declare an honest `nominal_hash_rate` when it opens its channel (the pool's first target).
public enum HashrateProbe {
    /// Hashes per second on the calling thread, measured for about `milliseconds`.
    public static func measure(milliseconds: Int) -> Double {
        let work = MinerWork(channelID: 0, jobID: 0, version: 0x2000_0000, rollingMask: 0, prevHash: .zero, merkleRoot: .zero,
                             ntime: 0, nbits: 0x1d00_ffff, target: .zero)
        let start = MinerConnectionHandler.monotonicNs()
        let budget = UInt64(max(1, milliseconds)) * 1_000_000
        var hashes: UInt64 = 0
        var nonce: UInt32 = 0
        while MinerConnectionHandler.monotonicNs() - start < budget {
            if case .exhausted(let h) = NonceSearch.search(work, version: work.version, nonces: nonce...(nonce &+ 4_095)) { hashes += h }
            nonce &+= 4_096
        }
        let elapsed = Double(MinerConnectionHandler.monotonicNs() - start) / 1e9
        return elapsed > 0 ? Double(hashes) / elapsed : 0
    }
}
