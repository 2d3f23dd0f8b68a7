import Testing
@testable import RGKit

@Suite struct VerdictCSVTests {
    /// The header is a contract with every spreadsheet and script that reads the export: this
    /// literal changes only by appending a column.
    @Test func theHeaderIsFixed() {
        #expect(VerdictCSV.header == "template_id,source,height,prev_hash,accepted,reason_code,reason_detail,warnings,fee_tier,tier_source,min_avg_fee_used,policy_hash,tx_count,total_fees,avg_fee,weight,weight_ratio,sigops,coinbase_value,age_ms,verified_ms,verified_at,eval_us")
        #expect(VerdictCSV.columns.count == 23)
        #expect(Set(VerdictCSV.columns).count == VerdictCSV.columns.count)
    }

    @Test func aRowIsDeterministicText() {
        let (record, _) = VerdictSamples.verdict(0)
        #expect(record.accepted)
        #expect(VerdictCSV.row(record) == "00a1b2c3d4e5f600,rpc,890000,\(String(repeating: "ab", count: 32)),true,,,,high,measured,5000,5f1c0a9e3b7d2c4e,2000,20000000,10000,3900000,0.975000,8000,332500000,1000,1764000000000,2025-11-24T16:00:00.000Z,100")
    }

    @Test func fieldsWithCommasQuotesAndLineBreaksAreQuoted() {
        let row = VerdictCSV.row(VerdictSamples.awkward)
        #expect(row == "00000000000000ff,,,,false,avg_fee_below_minimum,\"avg fee 4,999 < 5,000 \"\"sat\"\"\nper tx\r\",template_too_old;sigops_budget_exceeded,high,fallback,,5f1c0a9e3b7d2c4e,3,14997,4999,,,,312514997,-250,1764000000001,2025-11-24T16:00:00.001Z,42")
        // Read back with an RFC 4180 reader: same cells, the detail intact.
        let cells = Self.parseRecords(row + "\n")
        #expect(cells.count == 1)
        #expect(cells[0].count == VerdictCSV.columns.count)
        #expect(cells[0][6] == VerdictSamples.awkward.reasonDetail)
    }

    @Test func quotingIsOnlyWhereNeeded() {
        #expect(VerdictCSV.quoted("plain text; ok") == "plain text; ok")
        #expect(VerdictCSV.quoted("") == "")
        #expect(VerdictCSV.quoted("a,b") == "\"a,b\"")
        #expect(VerdictCSV.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(VerdictCSV.quoted("cr\r") == "\"cr\r\"")
        #expect(VerdictCSV.quoted("ünïcödé, ok") == "\"ünïcödé, ok\"")
    }

    @Test func manyRowsReadBackCellForCell() {
        let records = VerdictSamples.verdicts(60) + [VerdictSamples.awkward]
        let text = VerdictCSV.header + "\n" + records.map { VerdictCSV.row($0) + "\n" }.joined()
        let rows = Self.parseRecords(text)
        #expect(rows.count == records.count + 1)
        #expect(rows.allSatisfy { $0.count == VerdictCSV.columns.count })
        for (row, record) in zip(rows.dropFirst(), records) {
            #expect(row[0] == record.templateID)
            #expect(row[6] == (record.reasonDetail ?? ""))
            #expect(Int64(row[20]) == record.verifiedMs)
        }
    }

    /// A minimal RFC 4180 reader (LF or CRLF record ends), independent of the writer.
    static func parseRecords(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = ""
        var chars = Array(text.unicodeScalars)[...]
        var quoted = false, cellStarted = false
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); cell.unicodeScalars.append("\"") } else { quoted = false }
                } else { cell.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"" where !cellStarted: quoted = true; cellStarted = true
            case ",": row.append(cell); cell = ""; cellStarted = false
            case "\r" where chars.first == "\n": continue
            case "\n": row.append(cell); rows.append(row); row = []; cell = ""; cellStarted = false
            default: cell.unicodeScalars.append(c); cellStarted = true
            }
        }
        return rows
    }
}
