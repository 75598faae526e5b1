// swift-tools-version: 6.1
// libFuzzer targets for Rapport's parsers (the hostile-input issue). A package of its own
// because SwiftPM defines `main` for executables: ours calls LLVMFuzzerRunDriver itself.
// Built and run by `make fuzz` (see the Makefile): swift build --package-path Tests/Fuzz
// -Xswiftc -sanitize=fuzzer,address.
import PackageDescription

let package = Package(
    name: "RapportFuzz",
    dependencies: [.package(name: "Rapport", path: "../..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "rapport-fuzz",
            dependencies: [
                "CFuzzDriver", .product(name: "RapportIngest", package: "Rapport"),
                .product(name: "RapportTransforms", package: "Rapport"),
            ]),
    ]
)
