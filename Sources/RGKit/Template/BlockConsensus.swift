/// Re-derivation for a compact TemplatePropose that carries a whole candidate block
/// (`raw_block_hex`): the block's own transactions, merkle root, witness commitment, BIP34
/// height and coinbase payout are checked against what the message declares.
public enum BlockConsensus {
    public static func rederive(rawBlockHex: String, declared p: TemplatePropose, network: Network) -> ConsensusFindings {
        var findings = ConsensusFindings()
        let block: Block
        do {
            block = try Block(hex: rawBlockHex)
        } catch {
            findings.failures.append(.init(.txData, "raw_block_hex does not decode: \(error)"))
            return findings
        }
        let nonCoinbase = block.transactions.dropFirst()
        findings.decodedTransactions = block.transactions.count
        findings.derivedWeight = nonCoinbase.reduce(0) { $0 + Int64($1.weight) }
        var txData: String?
        if block.coinbase == nil {
            txData = "raw_block_hex: the first transaction is not a coinbase"
        } else if Int64(nonCoinbase.count) != p.txCount {
            txData = "raw_block_hex has \(nonCoinbase.count) non-coinbase transactions, tx_count declares \(p.txCount)"
        } else if block.computedMerkleRoot != block.header.merkleRoot {
            txData = "raw_block_hex: header merkle root \(block.header.merkleRoot.displayHex) ≠ \(block.computedMerkleRoot?.displayHex ?? "none") computed from the transactions"
        } else if let declared = p.templateWeight ?? p.observedWeight, declared != findings.derivedWeight {
            txData = "raw_block_hex: non-coinbase transactions weigh \(findings.derivedWeight), template_weight declares \(declared)"
        } else if block.bip34Height != p.blockHeight {
            txData = "raw_block_hex: coinbase BIP34 height \(block.bip34Height.map(String.init) ?? "missing") ≠ block_height \(p.blockHeight)"
        } else if let prev = try? BlockHash(displayHex: p.prevHash), prev != block.header.prevBlockHash {
            txData = "raw_block_hex: header prev hash \(block.header.prevBlockHash.displayHex) ≠ prev_hash \(p.prevHash)"
        }
        if let txData { findings.failures.append(.init(.txData, txData)) }
        if let duplicate = Merkle.duplicateTxids(block.txids).first {
            findings.failures.append(.init(.duplicateTx, "txid \(duplicate.displayHex) appears more than once"))
        }
        if let coinbase = block.coinbase {
            let hasWitness = nonCoinbase.contains { $0.hasWitness }
            if let found = WitnessCommitment(coinbase: coinbase) {
                // The reserved value is the coinbase input's single 32-byte witness item.
                let reserved = coinbase.inputs.first.flatMap { $0.witness.count == 1 ? Bytes32($0.witness[0]) : nil } ?? .zero
                let computed = block.computedWitnessRoot.map { WitnessCommitment(witnessRoot: $0, reservedValue: reserved) }
                if computed != found {
                    findings.failures.append(.init(.witnessCommitment, "coinbase commitment \(found) ≠ \(computed.map { "\($0)" } ?? "none") computed from the wtxids"))
                }
            } else if hasWitness {
                findings.failures.append(.init(.witnessCommitment, "transactions carry witness data but the coinbase has no witness commitment"))
            }
            let paid = coinbase.outputs.reduce(Int64(0)) { $0 &+ $1.valueSat }
            if paid > p.coinbaseValue {
                findings.failures.append(.init(.coinbaseValue, "coinbase pays \(paid) sat > coinbase_value \(p.coinbaseValue) sat"))
            }
            findings.expectedCoinbaseValue = network.subsidy(height: Int(p.blockHeight)) + p.totalFees
        }
        let budget = findings.weightLimit - TemplateConsensus.reservedWeight
        if findings.derivedWeight > budget {
            findings.failures.append(.init(.templateWeight, "transactions weigh \(findings.derivedWeight) WU > \(budget) WU"))
        }
        return findings
    }
}
