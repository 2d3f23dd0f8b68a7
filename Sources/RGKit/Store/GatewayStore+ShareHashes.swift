import GRDB

extension GatewayStore {
    /// The header hashes (display order) of every accepted share stored: what a miner's
    /// acknowledged shares are checked against after a crash (`rg-miner swarm` tests).
    public func acceptedShareHashes() throws(StoreError) -> Set<String> {
        do {
            return try database.pool.read { db in
                Set(try String.fetchAll(db, sql: "SELECT hash FROM share WHERE accepted = 1 AND hash IS NOT NULL"))
            }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot read share hashes")
        }
    }
}
