import Glibc
import RapportCore

/// One input file of a run, from a `sources[]` entry.
public struct InputFile: Sendable {
    public var index: Int32
    /// The path used to open it (absolute, normalised).
    public var path: String
    /// The path as the pipeline file names it (relative to the pipeline's folder when written so); used in outputs.
    public var display: String
    public var source: PipelineConfig.Source
}

enum InputFiles {
    /// Expands every source's path or glob, in sorted (byte) order per source.
    /// A plain path that does not exist, or a glob that matches nothing, is an error naming it.
    static func expand(_ config: PipelineConfig) throws(RapportError) -> [InputFile] {
        var files: [InputFile] = []
        // By bytes: Swift's String equality would merge NFC and NFD spellings, two different files.
        var seen = Set<[UInt8]>()
        for source in config.sources {
            let pattern = normalisePath(source.pattern)
            let matches: [String]
            if pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                matches = glob(pattern)
                if matches.isEmpty {
                    throw RapportError(.failed, file: config.file, line: source.line, "no file matches `\(pattern)`; check the source's path")
                }
            } else {
                var st = stat()
                if lstat(pattern, &st) != 0 {
                    throw RapportError(.failed, file: pattern, "input file not found (named in \(config.file), line \(source.line ?? 0))")
                }
                matches = [pattern]
            }
            let prefix = normalisePath(config.directory) + "/"
            for path in matches.sorted(by: bytesLess) where seen.insert(Array(path.utf8)).inserted {
                let display = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : relativeDisplay(path, from: config.directory)
                files.append(InputFile(index: Int32(files.count), path: path, display: display, source: source))
            }
        }
        return files
    }

    private static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, GLOB_NOSORT, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out
    }

    /// `../x/y` style path from `base` to `path` (both absolute).
    static func relativeDisplay(_ path: String, from base: String) -> String {
        let a = normalisePath(path).split(separator: "/")
        let b = normalisePath(base).split(separator: "/")
        var common = 0
        while common < min(a.count, b.count) && a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        return (ups + a[common...].map(String.init)).joined(separator: "/")
    }
}
