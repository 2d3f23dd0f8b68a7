/// Re-derives what a template source declares from the transaction bytes it sent, to catch a
/// source that lies (or is buggy): txids, wtxids, weights and sigop floors per transaction,
/// duplicate txids, the witness commitment, the weight limit and the coinbase value.
///
/// Cost matters (it runs on every template): each transaction is hex-decoded into one reused
/// buffer and measured in a single pass without building transaction objects.
public enum TemplateConsensus {
    /// Bitcoin Core keeps this much weight for the header and the coinbase (`-blockmaxweight`
    /// defaults to 4,000,000 − 4,000).
    public static let reservedWeight: Int64 = 4_000

    public static func rederive(_ t: BlockTemplate, network: Network) -> ConsensusFindings {
        var findings = ConsensusFindings()
        findings.weightLimit = t.weightLimit ?? ConsensusLimits.maxBlockWeight
        var txids: [Txid] = []
        var wtxids: [Wtxid] = []
        txids.reserveCapacity(t.transactions.count)
        wtxids.reserveCapacity(t.transactions.count)
        var anyWitness = false
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var txDataFailure: String?
        // Before segwit (sigoplimit 20,000) GBT counted sigops in legacy units; since, in cost
        // units (×4). Real 2017 regtest templates declare 2 for a transaction with 2 legacy sigops.
        let sigopScale = (t.sigopLimit ?? ConsensusLimits.maxBlockSigopsCost) <= 20_000 ? 1 : 4

        for (index, tx) in t.transactions.enumerated() {
            guard let hex = tx.dataHex else {
                txDataFailure = txDataFailure ?? "transaction \(index): no data to check"
                continue
            }
            guard hex.count % 2 == 0 else {
                txDataFailure = txDataFailure ?? "transaction \(index): data has an odd number of hex digits"
                continue
            }
            let length = hex.count / 2
            if scratch.count < length { scratch = [UInt8](repeating: 0, count: max(length, scratch.count * 2)) }
            let decoded: Result<TransactionDigest, DecodeError>? = hex.withUnsafeBytes { ascii in
                scratch.withUnsafeMutableBytes { out -> Result<TransactionDigest, DecodeError>? in
                    guard let base = out.baseAddress, Hex.decode(ascii, into: base) == nil else { return nil }
                    do throws(DecodeError) {
                        return .success(try TransactionDigest.measure(UnsafeRawBufferPointer(start: base, count: length)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            let digest: TransactionDigest
            switch decoded {
            case nil:
                txDataFailure = txDataFailure ?? "transaction \(index): data is not hex"
                continue
            case .failure(let error)?:
                txDataFailure = txDataFailure ?? "transaction \(index): data does not decode: \(error)"
                continue
            case .success(let d)?:
                digest = d
            }
            findings.decodedTransactions += 1
            txids.append(digest.txid)
            wtxids.append(digest.wtxid)
            anyWitness = anyWitness || digest.hasWitness
            findings.derivedWeight += Int64(digest.weight)
            if txDataFailure == nil {
                txDataFailure = mismatch(index: index, declared: tx, derived: digest, sigopScale: sigopScale)
            }
        }
        if let txDataFailure { findings.failures.append(.init(.txData, txDataFailure)) }

        if let duplicate = Merkle.duplicateTxids(txids).first {
            findings.failures.append(.init(.duplicateTx, "txid \(duplicate.displayHex) appears more than once"))
        }

        let expectedCommitment = WitnessCommitment(witnessRoot: Merkle.witnessRoot(nonCoinbaseWtxids: wtxids)).scriptPubKey.bytes
        if let declared = t.defaultWitnessCommitment {
            if declared != expectedCommitment {
                findings.failures.append(.init(.witnessCommitment,
                    "default_witness_commitment \(Hex.encode(declared)) ≠ \(Hex.encode(expectedCommitment)) computed from the wtxids"))
            }
        } else if anyWitness {
            findings.failures.append(.init(.witnessCommitment, "transactions carry witness data but default_witness_commitment is missing"))
        }

        let weightBudget = findings.weightLimit - reservedWeight
        if findings.derivedWeight > weightBudget {
            findings.failures.append(.init(.templateWeight,
                "transactions weigh \(findings.derivedWeight) WU > weightlimit \(findings.weightLimit) − \(reservedWeight) reserved for header and coinbase"))
        }

        var feeSum: Int64 = 0
        var allFees = true
        for tx in t.transactions {
            guard let fee = tx.fee else { allFees = false; break }
            feeSum &+= fee
        }
        if allFees {
            let subsidy = network.subsidy(height: Int(t.height))
            let expected = subsidy + feeSum
            findings.expectedCoinbaseValue = expected
            if t.coinbaseValue != expected {
                findings.failures.append(.init(.coinbaseValue,
                    "coinbasevalue \(t.coinbaseValue) sat ≠ subsidy \(subsidy) + fees \(feeSum) = \(expected) sat at height \(t.height) on \(network.name)"))
            }
        }
        return findings
    }

    private static func mismatch(index: Int, declared tx: BlockTemplate.Transaction, derived d: TransactionDigest, sigopScale: Int) -> String? {
        if d.isCoinbase { return "transaction \(index) is a coinbase (null prevout); templates list only non-coinbase transactions" }
        if let txid = tx.txid, txid != d.txid {
            return "transaction \(index): declared txid \(txid.displayHex) but data hashes to \(d.txid.displayHex)"
        }
        if let wtxid = tx.wtxid, wtxid != d.wtxid {
            return "transaction \(index) (txid \(d.txid.displayHex)): declared hash \(wtxid.displayHex) but data hashes to \(d.wtxid.displayHex)"
        }
        if let weight = tx.weight, weight != Int64(d.weight) {
            return "transaction \(index) (txid \(d.txid.displayHex)): declared weight \(weight) but data weighs \(d.weight)"
        }
        let floor = Int64(d.legacySigOpCount * sigopScale)
        if let sigops = tx.sigops, sigops < floor {
            return "transaction \(index) (txid \(d.txid.displayHex)): declared sigops \(sigops) < \(floor) counted in its scripts"
        }
        if let bad = tx.depends.first(where: { $0 > index }) {
            return "transaction \(index): depends on \(bad), which is not an earlier transaction"
        }
        return nil
    }
}
