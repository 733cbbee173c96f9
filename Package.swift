// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "WriterAudit",
    products: [
        .executable(name: "writer-audit", targets: ["writer-audit"]),
        .library(name: "ProcmonTrace", targets: ["ProcmonTrace"]),
        .library(name: "CSVStream", targets: ["CSVStream"]),
        .library(name: "BinaryFormat", targets: ["BinaryFormat"]),
        .library(name: "VolumeAudit", targets: ["VolumeAudit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            pkgConfig: nil,
            providers: [.apt(["libcsv-dev"]), .brew(["libcsv"])]
        ),
        .target(name: "BinaryFormat"),
        .target(name: "CSVStream", dependencies: ["CLibCSV", "BinaryFormat"]),
        .target(name: "WriterScope"),
        .target(name: "ProcmonTrace", dependencies: ["BinaryFormat", "CSVStream", "WriterScope"]),
        .target(name: "CXattr"),
        .target(
            name: "VolumeAudit",
            dependencies: [
                "BinaryFormat", "WriterScope", "CXattr", "CSVStream", .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "writer-audit",
            dependencies: [
                "BinaryFormat",
                "CSVStream",
                "ProcmonTrace",
                "VolumeAudit",
                "WriterScope",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "BinaryFormatTests", dependencies: ["BinaryFormat"]),
        .testTarget(name: "CSVStreamTests", dependencies: ["CSVStream"]),
        .testTarget(name: "ProcmonTraceTests", dependencies: ["ProcmonTrace"]),
        .testTarget(name: "VolumeAuditTests", dependencies: ["VolumeAudit"]),
        .testTarget(name: "EndToEndTests", dependencies: ["writer-audit", "ProcmonTrace"]),
    ]
)
