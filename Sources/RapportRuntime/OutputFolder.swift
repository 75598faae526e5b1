import Glibc
import RapportCore

/// The output folder is the user's (PRODUCT.md): Rapport replaces a folder only when it is
/// a Rapport report. This is checked before any input is read, so a refused run touches
/// nothing.
public enum OutputFolder {
    /// The marker file every Rapport report carries (one line: the pipeline's name).
    public static let markerName = ".rapport-report"

    /// What the check found at the output path.
    public enum State: Equatable, Sendable {
        /// Nothing there yet: the report is created (and the folders above it).
        case absent
        case empty
        /// A Rapport report (marked, or written by a version before the marker, holding
        /// only Rapport's files and a report.json that says so).
        case report
    }

    /// The folder to publish into and what is there now. A symlink whose target is a
    /// Rapport report is followed (the link stays, the report behind it is replaced).
    public struct Checked: Sendable {
        public var path: String
        public var state: State
    }

    /// Checks `target` (absolute, normalised). `protecting` are paths that must never be
    /// inside the report folder (the pipeline file, the inputs); `knownFiles` are the names
    /// Rapport writes into a report. Anything else there is refused with exit 2.
    public static func check(_ target: String, protecting: [String], knownFiles: Set<String>) throws(RapportError) -> Checked {
        var path = target
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw refusal(target, "cannot be read (\(String(cString: strerror(errno))))") }
            try refuseIfHolding(protecting, path)
            return Checked(path: path, state: .absent)
        }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            guard let resolved = realPath(path), stat(resolved, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR,
                try classify(resolved, knownFiles: knownFiles, reportOnly: true) == .report
            else {
                throw refusal(target, "is a symbolic link to something that is not a Rapport report")
            }
            path = resolved
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw refusal(target, "is a file, not a folder") }
        try refuseIfHolding(protecting, path)
        return Checked(path: path, state: try classify(path, knownFiles: knownFiles, reportOnly: false))
    }

    /// Empty, a report, or refused (naming what is there that Rapport did not write).
    static func classify(_ path: String, knownFiles: Set<String>, reportOnly: Bool) throws(RapportError) -> State {
        guard let names = entries(path) else { throw refusal(path, "cannot be listed (\(String(cString: strerror(errno))))") }
        if names.isEmpty { return reportOnly ? .absent : .empty }
        let foreign = names.filter { !knownFiles.contains($0) && $0 != markerName }.sorted()
        if !foreign.isEmpty {
            let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
            throw refusal(path, "holds files Rapport did not write (\(shown))")
        }
        if isRegularFile(path + "/" + markerName) || isLegacyReport(path, names: names) { return .report }
        throw refusal(path, "holds report-like files but no \(markerName) marker and no Rapport report.json")
    }

    /// A report published before the marker existed: only Rapport's file names, and a
    /// report.json that Rapport wrote.
    static func isLegacyReport(_ path: String, names: [String]) -> Bool {
        guard names.contains("report.json"), isRegularFile(path + "/report.json") else { return false }
        let fd = open(path + "/report.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 256)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 && String(decoding: head[..<n], as: UTF8.self).contains("\"rapport_version\"")
    }

    /// The pipeline file or an input inside the folder: publishing would delete it.
    static func refuseIfHolding(_ protected: [String], _ folder: String) throws(RapportError) {
        let real = realPath(folder) ?? folder
        for p in protected {
            let resolved = realPath(p) ?? p
            if resolved == real || resolved.hasPrefix(real.hasSuffix("/") ? real : real + "/") {
                throw refusal(folder, "holds \(p), which the run reads")
            }
        }
    }

    /// Exit 2, saying why and which folder to choose instead: a new one inside a folder
    /// (its files stay untouched), or beside a file.
    static func refusal(_ path: String, _ why: String) -> RapportError {
        var st = stat()
        let isFolder = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
        let base = isFolder ? path : Publisher.parent(of: path)
        let suggestion = (base == "/" ? "" : base) + "/rapport-report"
        return RapportError(
            .usage, file: path,
            "the output folder \(why); Rapport replaces only a folder that is absent, empty or a Rapport report (one that carries \(markerName)). Nothing was touched; choose a folder of its own, e.g. --out \(suggestion)")
    }

    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
