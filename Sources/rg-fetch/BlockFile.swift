import ArgumentParser
import RGKit

/// `rg-fetch block FILE…`: real blocks as template records.
struct BlockFile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "Turn raw blocks (binary or hex files) into template records (source \"file\"), to check a verifier against real blocks.",
        discussion: """
            Each transaction keeps its data, txid, hash (wtxid), weight and depends; coinbasevalue \
            is what the coinbase pays, and default_witness_commitment its commitment. Per-transaction \
            fee and sigops need the spent outputs and are left out (unknown, not zero), as are \
            mintime and longpollid. The height is the coinbase's BIP34 height; blocks older than \
            BIP34 need --height.
            """)

    @Argument(help: ArgumentHelp("Block files, raw bytes or hex text; - reads stdin.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: "Height of the block (needed before BIP34; must match the coinbase when it has one).")
    var height: Int64?

    func validate() throws {
        if height != nil && files.count > 1 { throw ValidationError("--height applies to one block; give one file with it") }
        if let height, height < 0 || height > Int64(Int32.max) { throw ValidationError("--height must be in 0…\(Int32.max)") }
    }

    func run() async throws {
        ProcessSignals.install()
        let output = RecordOutput()
        var failed = 0
        for file in files {
            do {
                let record = try Self.record(file: file, height: height)
                do { try output.write(record) } catch { throw ToolError(.failure, error.description) }
            } catch let error as ToolError where error.exit == .failure {
                throw error
            } catch {
                FileHandleStderr.write("rg-fetch: \(file): \(error)\n")
                failed += 1
            }
        }
        if failed > 0 { throw ToolError(.inputRejected, "") }
    }

    static func record(file: String, height: Int64?) throws -> [UInt8] {
        guard let raw = file == "-" ? FileManagerLite.readStandardInput() : FileManagerLite.read(file) else {
            throw ToolError(.inputRejected, "cannot read the file")
        }
        var trimmed = raw[...]
        while let last = trimmed.last, last == 0x0A || last == 0x0D || last == 0x20 { trimmed = trimmed.dropLast() }
        while let first = trimmed.first, first == 0x0A || first == 0x0D || first == 0x20 { trimmed = trimmed.dropFirst() }
        let bytes: [UInt8]
        if !trimmed.isEmpty, trimmed.count % 2 == 0, Hex.isHex(trimmed) {
            bytes = try trimmed.withUnsafeBytes { raw throws(DecodeError) in try Hex.decode(raw) }
        } else {
            bytes = raw
        }
        let block = try RawBlock(bytes: bytes)
        let made = try BlockAsTemplate.make(block, height: height)
        return TemplateRecord.encode(id: made.templateID, source: "file", receivedMs: WallClock.milliseconds(), mempool: nil, gbtJSON: made.gbtJSON)
    }
}
