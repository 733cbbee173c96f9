// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "WriterAudit",
    products: [
        .executable(name: "writer-audit", targets: ["writer-audit"]),
        .library(name: "ProcmonTrace", targets: ["ProcmonTrace"]),
        .library(name: "CSVStream", targets: ["CSVStream"]),
        .library(name: "BinaryFormat", targets: ["BinaryFormat"]),
        .library(name: "WindowsSecurity", targets: ["WindowsSecurity"]),
        .library(name: "RegistryHive", targets: ["RegistryHive"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "VolumeAudit", targets: ["VolumeAudit"]),
        .library(name: "ServiceAudit", targets: ["ServiceAudit"]),
        .library(name: "CaseReport", targets: ["CaseReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            pkgConfig: nil,
            providers: [.apt(["libcsv-dev"]), .brew(["libcsv"])]
        ),
        .target(name: "BinaryFormat"),
        .target(name: "CSVStream", dependencies: ["CLibCSV", "BinaryFormat"]),
        .target(name: "WriterScope", dependencies: ["BinaryFormat", "WindowsSecurity"]),
        .target(name: "ProcmonTrace", dependencies: ["BinaryFormat", "CSVStream", "WriterScope"]),
        .target(name: "CXattr"),
        .target(name: "RegistryHive", dependencies: ["BinaryFormat"]),
        .target(name: "EventLog", dependencies: ["BinaryFormat", "WriterScope"]),
        .target(
            name: "WindowsSecurity",
            dependencies: ["BinaryFormat", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "VolumeAudit",
            dependencies: [
                "BinaryFormat", "WindowsSecurity", "WriterScope", "CXattr", "CSVStream",
            ]),
        .target(
            name: "ServiceAudit",
            dependencies: ["RegistryHive", "WindowsSecurity", "VolumeAudit", "BinaryFormat", "WriterScope"]),
        .target(
            name: "CaseReport",
            dependencies: [
                "BinaryFormat", "EventLog", "ProcmonTrace", "RegistryHive", "ServiceAudit", "VolumeAudit",
                "WriterScope", "WindowsSecurity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        .executableTarget(
            name: "writer-audit",
            dependencies: [
                "CaseReport",
                "BinaryFormat",
                "CSVStream",
                "ProcmonTrace",
                "RegistryHive",
                "EventLog",
                "ServiceAudit",
                "VolumeAudit",
                "WindowsSecurity",
                "WriterScope",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "BinaryFormatTests", dependencies: ["BinaryFormat"]),
        .testTarget(name: "CSVStreamTests", dependencies: ["CSVStream"]),
        .testTarget(name: "WriterScopeTests", dependencies: ["WriterScope"]),
        .testTarget(name: "ProcmonTraceTests", dependencies: ["ProcmonTrace", "TestSupport"]),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "ServiceAuditTests",
            dependencies: ["ServiceAudit", "RegistryHive", "WindowsSecurity", "WriterScope", "TestSupport"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "BinaryFormat", "TestSupport", "writer-audit"]),
        .testTarget(name: "RegistryHiveTests", dependencies: ["RegistryHive", "BinaryFormat", "TestSupport"]),
        .testTarget(name: "WindowsSecurityTests", dependencies: ["WindowsSecurity", "TestSupport"]),
        .testTarget(
            name: "VolumeAuditTests", dependencies: ["VolumeAudit", "WindowsSecurity", "BinaryFormat", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["writer-audit", "ProcmonTrace", "TestSupport"]),
    ]
)
