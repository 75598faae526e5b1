/// An error that stops a command, carrying what a user needs to fix it:
/// where (file and line), what went wrong, and what to do.
public struct RapportError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        /// The pipeline file or the command line is wrong (exit 2).
        case usage
        /// An input or output problem that fails the run (exit 1).
        case failed
        /// Another run holds the lock on the output folder (exit 75).
        case locked
    }

    public var code: Code
    public var file: String?
    public var line: Int?
    public var message: String

    public init(_ code: Code, file: String? = nil, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the form editors and terminals make clickable.
    public var description: String {
        var where_ = ""
        if let file {
            where_ = file
            if let line { where_ += ":\(line)" }
            where_ += ": "
        }
        return where_ + message
    }

    public var exitCode: Int32 {
        switch code {
        case .usage: return 2
        case .failed: return 1
        case .locked: return 75
        }
    }
}
