/// SEQ0_255[T] / SEQ0_64K[T]: a count prefix (U8 / U16 LE) then that many T. The count is checked
/// against the maximum and against `remaining / T.minEncodedSize` before the array is reserved, so
/// a 3-byte payload announcing 65535 U256s is refused without allocating 2 MiB.
public struct SV2Sequence<Element: SV2Codable, Bound: SV2LengthBound>: SV2Codable, ExpressibleByArrayLiteral {
    public let elements: [Element]

    public static var maxCount: Int { Bound.maxLength }
    public static var typeName: String { "SEQ0_\(Bound.name)" }
    public static var minEncodedSize: Int { Bound.prefixSize }

    public init<S: Sequence>(_ elements: S) throws(SV2Error) where S.Element == Element {
        let array = Array(elements)
        guard array.count <= Bound.maxLength else {
            throw SV2Error(.valueTooLong, "\(Self.typeName) holds at most \(Bound.maxLength) elements, got \(array.count)")
        }
        self.elements = array
    }

    /// For literals in code and tests only.
    public init(arrayLiteral elements: Element...) {
        precondition(elements.count <= Bound.maxLength, "\(Self.typeName) literal too long")
        self.elements = elements
    }

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }

    public init(sv2 reader: inout SV2Reader) throws(SV2Error) {
        let count = try reader.readLength(prefixSize: Bound.prefixSize, max: Bound.maxLength,
                                          minElementSize: Element.minEncodedSize, Self.typeName)
        var elements: [Element] = []
        elements.reserveCapacity(count)            // bounded by the bytes actually present
        for _ in 0..<count { elements.append(try Element(sv2: &reader)) }
        self.elements = elements
    }

    public func encode(to writer: inout SV2Writer) {
        writer.writeLength(elements.count, prefixSize: Bound.prefixSize)
        for element in elements { element.encode(to: &writer) }
    }
}

/// SEQ0_255[T]: at most 255 elements, U8 count.
public typealias Seq0_255<T: SV2Codable> = SV2Sequence<T, SV2Max255>
/// SEQ0_64K[T]: at most 65535 elements, U16 LE count.
public typealias Seq0_64K<T: SV2Codable> = SV2Sequence<T, SV2Max64K>
