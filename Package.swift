// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "WriterAudit",
    products: [
        .executable(name: "writer-audit", targets: ["writer-audit"]),
        .library(name: "ProcmonTrace", targets: ["ProcmonTrace"]),
        .library(name: "TraceAudit", targets: ["TraceAudit"]),
        .library(name: "CSVStream", targets: ["CSVStream"]),
        .library(name: "BinaryFormat", targets: ["BinaryFormat"]),
        .library(name: "WindowsSecurity", targets: ["WindowsSecurity"]),
        .library(name: "RegistryHive", targets: ["RegistryHive"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "EventLogAudit", targets: ["EventLogAudit"]),
        .library(name: "DiskImage", targets: ["DiskImage"]),
        .library(name: "NTFS", targets: ["NTFS"]),
        .library(name: "ACLExports", targets: ["ACLExports"]),
        .library(name: "UploadArchive", targets: ["UploadArchive"]),
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
        // The byte layer and C shims.
        .systemLibrary(
            name: "CLibCSV",
            pkgConfig: nil,
            providers: [.apt(["libcsv-dev"]), .brew(["libcsv"])]
        ),
        .target(name: "CXattr"),
        .target(name: "BinaryFormat"),
        .target(name: "CSVStream", dependencies: ["CLibCSV", "BinaryFormat"]),
        // The shared vocabulary of security.
        .target(
            name: "WindowsSecurity",
            dependencies: ["BinaryFormat", .product(name: "Crypto", package: "swift-crypto")]),
        // Format readers: bytes in, domain values out; none knows the System Writer.
        .target(name: "ProcmonTrace", dependencies: ["BinaryFormat", "CSVStream"]),
        .target(name: "EventLog", dependencies: ["BinaryFormat"]),
        .target(name: "RegistryHive", dependencies: ["BinaryFormat"]),
        .target(name: "DiskImage", dependencies: ["BinaryFormat"]),
        .target(name: "NTFS", dependencies: ["BinaryFormat", "CXattr", "DiskImage", "WindowsSecurity"]),
        .target(name: "ACLExports", dependencies: ["BinaryFormat", "CSVStream", "WindowsSecurity"]),
        .target(
            name: "UploadArchive",
            dependencies: [
                "BinaryFormat", "DiskImage", "NTFS", "RegistryHive",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // The System Writer's model, and the audits that apply it to what the readers return.
        .target(name: "WriterScope", dependencies: ["BinaryFormat", "WindowsSecurity"]),
        .target(name: "TraceAudit", dependencies: ["BinaryFormat", "ProcmonTrace", "WriterScope"]),
        .target(name: "EventLogAudit", dependencies: ["BinaryFormat", "EventLog", "WriterScope"]),
        .target(
            name: "VolumeAudit",
            dependencies: [
                "BinaryFormat", "WindowsSecurity", "WriterScope", "CXattr", "CSVStream", "DiskImage", "NTFS",
                "UploadArchive",
                "ACLExports",
            ]),
        .target(
            name: "ServiceAudit",
            dependencies: ["RegistryHive", "WindowsSecurity", "NTFS", "DiskImage", "BinaryFormat", "WriterScope"]),
        // The join of an upload's findings.
        .target(
            name: "CaseReport",
            dependencies: [
                "BinaryFormat", "EventLog", "EventLogAudit", "ProcmonTrace", "TraceAudit", "RegistryHive",
                "ServiceAudit", "VolumeAudit", "UploadArchive", "WriterScope", "WindowsSecurity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        // Arguments, progress, rendering.
        .executableTarget(
            name: "writer-audit",
            dependencies: [
                "CaseReport", "TraceAudit", "EventLogAudit", "ServiceAudit", "VolumeAudit", "WriterScope",
                "WindowsSecurity", "BinaryFormat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(name: "BinaryFormatTests", dependencies: ["BinaryFormat"]),
        .testTarget(name: "CSVStreamTests", dependencies: ["CSVStream", "BinaryFormat"]),
        .testTarget(name: "WriterScopeTests", dependencies: ["WriterScope"]),
        .testTarget(name: "ProcmonTraceTests", dependencies: ["ProcmonTrace", "TraceAudit", "TestSupport"]),
        .testTarget(
            name: "ServiceAuditTests",
            dependencies: ["ServiceAudit", "RegistryHive", "WindowsSecurity", "WriterScope", "NTFS", "TestSupport"]),
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "EventLogAudit", "BinaryFormat", "TestSupport", "writer-audit"]),
        .testTarget(name: "RegistryHiveTests", dependencies: ["RegistryHive", "BinaryFormat", "TestSupport"]),
        .testTarget(name: "WindowsSecurityTests", dependencies: ["WindowsSecurity", "TestSupport"]),
        .testTarget(
            name: "VolumeAuditTests",
            dependencies: [
                "VolumeAudit", "NTFS", "DiskImage", "ACLExports", "WindowsSecurity", "BinaryFormat", "TestSupport",
            ]),
        .testTarget(
            name: "ErrorShapeTests",
            dependencies: [
                "BinaryFormat", "CSVStream", "ProcmonTrace", "EventLog", "RegistryHive", "DiskImage", "NTFS",
                "ACLExports",
                "UploadArchive", "WindowsSecurity",
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["writer-audit", "TraceAudit", "TestSupport"]),
    ]
)
