/// A script (scriptSig or scriptPubKey) as raw bytes. Scripts from the chain may be malformed (a
/// push that runs past the end); that is not a decoding error for the transaction, so a `Script`
/// holds any bytes and the opcode iterator reports where parsing stopped.
public struct Script: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }

    public init(hex: String) throws(DecodeError) { self.bytes = try Hex.decode(hex) }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }
    public var hex: String { bytes.hex }
    public var description: String { hex }

    /// The operations in order, stopping at the end or at the first malformed push.
    public var operations: ScriptOperations { ScriptOperations(bytes) }

    /// Bitcoin Core's `CScript::GetSigOpCount(fAccurate)`: OP_CHECKSIG and OP_CHECKSIGVERIFY count
    /// 1; OP_CHECKMULTISIG(VERIFY) counts 20, or, when `accurate` and the previous opcode is
    /// OP_1..OP_16, that number. Counting stops silently at a malformed push, as in Core.
    public func sigOpCount(accurate: Bool = false) -> Int {
        bytes.withUnsafeBytes { Script.sigOpCount($0, accurate: accurate) }
    }
}

/// Opcodes the Bitcoin layer names.
public enum Opcode {
    public static let op0: UInt8 = 0x00
    public static let pushData1: UInt8 = 0x4c
    public static let pushData2: UInt8 = 0x4d
    public static let pushData4: UInt8 = 0x4e
    public static let op1Negate: UInt8 = 0x4f
    public static let op1: UInt8 = 0x51
    public static let op16: UInt8 = 0x60
    public static let opReturn: UInt8 = 0x6a
    public static let checkSig: UInt8 = 0xac
    public static let checkSigVerify: UInt8 = 0xad
    public static let checkMultiSig: UInt8 = 0xae
    public static let checkMultiSigVerify: UInt8 = 0xaf
    /// Core's MAX_PUBKEYS_PER_MULTISIG: what a CHECKMULTISIG costs in the inaccurate (legacy) count.
    public static let maxPubkeysPerMultisig = 20
}

/// One script operation: the opcode, and for a push (opcodes 0x00...0x4e) the range of the pushed
/// bytes within the script.
public struct ScriptOperation: Equatable, Sendable {
    public let opcode: UInt8
    public let pushRange: Range<Int>?
}

/// Iterates a script's operations the way Bitcoin Core's `GetScriptOp` does: a push whose length
/// prefix or data runs past the end ends the iteration, and `isMalformed` turns true.
public struct ScriptOperations: Sequence, IteratorProtocol, Sendable {
    private let bytes: [UInt8]
    private var pc = 0
    public private(set) var isMalformed = false

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func next() -> ScriptOperation? {
        guard pc < bytes.count else { return nil }
        let start = pc
        let step = bytes.withUnsafeBytes { Script.decodeOperation($0, at: start) }
        guard let step else {
            isMalformed = true
            pc = bytes.count
            return nil
        }
        pc = step.next
        return ScriptOperation(opcode: step.opcode, pushRange: step.opcode <= Opcode.pushData4 ? step.pushStart..<step.next : nil)
    }
}

extension Script {
    /// Decodes the operation at `pc` (which must be < count). Returns the opcode, where its push
    /// data starts and where the next operation starts; nil for a push that runs past the end.
    @inline(__always)
    static func decodeOperation(_ s: UnsafeRawBufferPointer, at pc: Int) -> (opcode: UInt8, pushStart: Int, next: Int)? {
        let end = s.count
        let opcode = s[pc]
        var p = pc + 1
        guard opcode <= Opcode.pushData4 else { return (opcode, p, p) }
        let size: Int
        switch opcode {
        case Opcode.pushData1:
            guard end - p >= 1 else { return nil }
            size = Int(s[p]); p += 1
        case Opcode.pushData2:
            guard end - p >= 2 else { return nil }
            size = Int(s[p]) | Int(s[p + 1]) << 8; p += 2
        case Opcode.pushData4:
            guard end - p >= 4 else { return nil }
            size = Int(s[p]) | Int(s[p + 1]) << 8 | Int(s[p + 2]) << 16 | Int(s[p + 3]) << 24; p += 4
        default:
            size = Int(opcode)
        }
        guard end - p >= size else { return nil }
        return (opcode, p, p + size)
    }

    /// `GetSigOpCount` over raw script bytes (used by the zero-copy measurer as well).
    static func sigOpCount(_ s: UnsafeRawBufferPointer, accurate: Bool) -> Int {
        var n = 0
        var pc = 0
        var last: UInt8 = 0xff   // OP_INVALIDOPCODE
        while pc < s.count {
            guard let op = decodeOperation(s, at: pc) else { break }
            switch op.opcode {
            case Opcode.checkSig, Opcode.checkSigVerify:
                n += 1
            case Opcode.checkMultiSig, Opcode.checkMultiSigVerify:
                if accurate, last >= Opcode.op1, last <= Opcode.op16 {
                    n += Int(last - Opcode.op1) + 1
                } else {
                    n += Opcode.maxPubkeysPerMultisig
                }
            default:
                break
            }
            last = op.opcode
            pc = op.next
        }
        return n
    }
}
