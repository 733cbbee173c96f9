import BinaryFormat

/// A PML log is read through the byte layer's read-only file; its errors become `TraceError`s.
typealias PMLFile = ReadOnlyFile

extension ReadOnlyFile {
    /// An error about the bytes at `offset`, in the one-line form every PML error takes.
    func error(_ code: TraceError.Code = .malformedRow, at offset: UInt64, _ what: String) -> TraceError {
        TraceError(code, file: path, at: .byteOffset(offset), what)
    }
}
