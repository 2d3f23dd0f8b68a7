// swift-tools-version: 6.1
import PackageDescription

// One library (RGKit, layered by folder; see ARCHITECTURE.md §3) and thin executables.
// C libraries come from Debian packages through system-library targets.
let package = Package(
    name: "ReserveGrid",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RGKit", targets: ["RGKit"]),
        .executable(name: "rg-verify", targets: ["rg-verify"]),
        .executable(name: "rg-feed", targets: ["rg-feed"]),
        .executable(name: "rg-stat", targets: ["rg-stat"]),
        .executable(name: "rg-gate", targets: ["rg-gate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .target(
            name: "RGKit",
            dependencies: [
                "CSodium",
                "CSecp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rg-verify", dependencies: ["RGKit", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "rg-feed", dependencies: ["RGKit", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "rg-stat", dependencies: ["RGKit", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "rg-gate", dependencies: ["RGKit", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "RGKitTests",
            dependencies: [
                "RGKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["RGKit"]),
    ]
)
