import Testing
@testable import RGKit

@Suite("Miner: nonce search and header building on real blocks")
struct NonceSearchTests {
    @Test("block 100,000: a search around the real nonce stops exactly there, at the real block hash")
    func findsBlock100000() throws {
        let fixture = try MinerFixtures.block100000()
        let work = MinerFixtures.work(fixture.header)
        let real = fixture.header.nonce
        let outcome = NonceSearch.search(work, version: work.version, nonces: (real - 3_000)...(real + 3_000))
        guard case .found(let found, let hashes) = outcome else { Issue.record("not found: \(outcome)"); return }
        #expect(found.nonce == real)
        #expect(hashes == 3_001)
        #expect(found.hash.displayHex == fixture.blockHashDisplay)
        #expect(work.isBlock(hash: found.hash))
    }

    @Test("a range without the nonce is exhausted after trying every nonce in it")
    func exhausts() throws {
        let fixture = try MinerFixtures.block100000()
        let work = MinerFixtures.work(fixture.header)
        let real = fixture.header.nonce
        #expect(NonceSearch.search(work, version: work.version, nonces: (real + 1)...(real + 500)) == .exhausted(hashes: 500))
    }

    @Test("the search stops when asked, at the check interval")
    func stops() throws {
        let work = MinerFixtures.work(try MinerFixtures.block100000().header)
        let outcome = NonceSearch.search(work, version: work.version, nonces: 0...9_999, checkInterval: 100, shouldStop: { true })
        #expect(outcome == .stopped(hashes: 100))
    }

    @Test("an easy target: the first nonce whose hash is at or below it, and nothing earlier")
    func firstAtOrBelowTarget() throws {
        var work = MinerFixtures.work(try MinerFixtures.block100000().header)
        // The top two bytes zero: about one header in 65,536 qualifies.
        work.target = UInt256(l0: .max, l1: .max, l2: .max, l3: 0x0000_ffff_ffff_ffff).littleEndianBytes
        guard case .found(let found, let hashes) = NonceSearch.search(work, version: work.version, nonces: 0...UInt32.max) else {
            Issue.record("no share"); return
        }
        #expect(!(work.target < found.hash.wire))
        for nonce in 0..<found.nonce {
            #expect(work.target < work.header(version: work.version, nonce: nonce).hash.wire)
        }
        #expect(hashes == UInt64(found.nonce) + 1)
    }

    @Test("nonce slices cover the 2^32 space without overlap")
    func slices() {
        #expect(NonceSearch.slice(0, of: 1) == 0...UInt32.max)
        #expect(NonceSearch.slice(0, of: 3) == 0...1_431_655_764)
        #expect(NonceSearch.slice(1, of: 3) == 1_431_655_765...2_863_311_529)
        #expect(NonceSearch.slice(2, of: 3) == 2_863_311_530...UInt32.max)
    }

    @Test("block 702,861 (extended job): coinbase parts and merkle path give the real root; its rolled version is reachable; the search finds the nonce")
    func extendedJob702861() throws {
        let f = try MinerFixtures.block702861()
        let root = ExtendedJobCoinbase.merkleRoot(prefix: f.prefix, extranoncePrefix: f.extranoncePrefix, extranonce: f.extranonce,
                                                  suffix: f.suffix, merklePath: f.merklePath)
        #expect(root == f.header.merkleRoot)
        // 0x3fffe004: the miner rolled all 16 BIP-320 bits of the BIP9 base 0x20000004.
        let realVersion = UInt32(bitPattern: f.header.version)
        let base: UInt32 = 0x2000_0004
        #expect(VersionRolling.isWithinMask(version: realVersion, base: base))
        let work = MinerWork(channelID: 3, jobID: 1, version: base, rollingMask: VersionRolling.bip320Mask,
                             prevHash: f.header.prevBlockHash.wire, merkleRoot: root.wire, ntime: f.header.time,
                             nbits: f.header.bits.rawValue, target: f.header.bits.target!, extranonce: f.extranonce)
        #expect(work.version(index: 0xffff) == realVersion)
        let real = f.header.nonce
        let outcome = NonceSearch.search(work, version: work.version(index: 0xffff), nonces: (real - 2_000)...(real + 2_000))
        guard case .found(let found, _) = outcome else { Issue.record("not found: \(outcome)"); return }
        #expect(found.nonce == real)
        #expect(found.hash.displayHex == f.blockHashDisplay)
    }

    @Test("version rolling: index bits land in the mask in order, outside bits stay")
    func versionRolling() {
        #expect(VersionRolling.versionCount(mask: VersionRolling.bip320Mask) == 65_536)
        #expect(VersionRolling.version(base: 0x2000_0000, index: 0) == 0x2000_0000)
        #expect(VersionRolling.version(base: 0x2000_0000, index: 1) == 0x2000_2000)
        #expect(VersionRolling.version(base: 0x2000_0000, index: 2) == 0x2000_4000)
        #expect(VersionRolling.version(base: 0x2000_0000, index: 0xffff) == 0x3fff_e000)
        #expect(VersionRolling.version(base: 0x2000_0000, index: 0x1_0000) == 0x2000_0000)   // wraps
        #expect(VersionRolling.version(base: 0x2000_0004, index: 5) == 0x2000_a004)
        #expect(!VersionRolling.isWithinMask(version: 0x2000_0005, base: 0x2000_0004))
        for index in stride(from: UInt64(0), to: 65_536, by: 977) {
            #expect(VersionRolling.isWithinMask(version: VersionRolling.version(base: 0x2000_0004, index: index), base: 0x2000_0004))
        }
    }
}
