// swift-tools-version: 6.1
// Rapport: communication logs with outsourcing partners -> periodic trust reports.
// The module map (and the one dependency rule) is in ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "Rapport",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rapport", targets: ["rapport"]),
        .library(name: "RapportPipeline", targets: ["RapportPipeline"]),
        // For the fuzz targets (Tests/Fuzz), which drive the readers and text rules directly.
        .library(name: "RapportIngest", targets: ["RapportIngest"]),
        .library(name: "RapportTransforms", targets: ["RapportTransforms"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (Debian: zlib1g-dev, libxml2-dev, libsqlite3-dev, libgmime-3.0-dev, libarchive-dev;
        // the Makefile installs them).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // MIME (mbox, Maildir, .eml) through GMime 3, the parser notmuch uses.
        .systemLibrary(
            name: "CGMime", path: "Sources/CGMime", pkgConfig: "gmime-3.0",
            providers: [.apt(["libgmime-3.0-dev"])]),
        // Zip and tar archives (a Slack export) read entry by entry, never extracted to disk.
        .systemLibrary(
            name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),

        // Small C helpers for system calls Swift's Glibc module does not expose.
        .target(name: "CSupport"),
        // ISA-L's inflate, loaded at run time when installed (zlib otherwise).
        .target(name: "CInflate", linkerSettings: [.linkedLibrary("dl")]),

        // Vocabulary shared by every stage. No I/O.
        .target(name: "RapportCore"),
        // bytes -> Interaction (one reader per format).
        .target(
            name: "RapportIngest",
            dependencies: [
                "RapportCore", "CZlib", "CInflate", "CLibXML2", "CGMime", "CArchive", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Interaction -> facts (threads, turns, escalation, text rules).
        .target(name: "RapportTransforms", dependencies: ["RapportCore"]),
        // facts -> per (period, partner) metrics and the trust index.
        .target(name: "RapportAggregates", dependencies: ["RapportCore"]),
        // Fact files: what extraction keeps of each input (versioned, checksummed) and their cache.
        .target(
            name: "RapportFacts",
            dependencies: ["RapportCore", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        // Run-time machinery: the output folder check, atomic publishing, the lock, interrupts.
        .target(name: "RapportRuntime", dependencies: ["RapportCore", "CSupport"]),
        // metrics and facts -> CSV, JSON, SQLite, HTML files.
        .target(name: "RapportSinks", dependencies: ["RapportCore", "CSQLite"]),
        // The only module that knows every stage: pipeline file -> run.
        .target(
            name: "RapportPipeline",
            dependencies: [
                "RapportCore", "RapportIngest", "RapportTransforms", "RapportAggregates", "RapportSinks", "RapportRuntime",
                "RapportFacts", "CZlib", "CSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // jemalloc in place of glibc's malloc (Debian libjemalloc-dev, which the Makefile
            // installs): millions of strings made on the reading thread and freed on the analysis
            // threads cost glibc's arenas about a sixth of the reader's time. Release builds only,
            // so that the sanitizer builds keep their own allocator (figures in the README).
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux], configuration: .release))]),
        // Realistic synthetic exports for demos, tests and benchmarks (`rapport generate`).
        .target(name: "RapportSynthetic", dependencies: ["RapportCore", "CZlib"]),
        // The command line: argument parsing and printing only.
        .executableTarget(
            name: "rapport",
            dependencies: [
                "RapportPipeline", "RapportCore", "RapportRuntime", "RapportSynthetic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(
            name: "RapportTests",
            dependencies: [
                "RapportCore", "RapportIngest", "RapportTransforms", "RapportAggregates", "RapportSinks",
                "RapportPipeline", "RapportRuntime", "RapportFacts", "RapportSynthetic", "CZlib", "CSQLite",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
    ]
)

for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
