// swift-tools-version: 6.1
import PackageDescription

// Store throughput, measured in release outside the test suite (ARCHITECTURE.md §5: speed is
// measured by benchmarks, never by timed unit tests). Its own package so the root manifest
// stays untouched: `swift build -c release` here, then run `.build/release/store-bench`.
let package = Package(
    name: "StoreBench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "ReserveGrid", path: "../..")],
    targets: [
        .executableTarget(name: "store-bench", dependencies: [.product(name: "RGKit", package: "ReserveGrid")]),
    ]
)
