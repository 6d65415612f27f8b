// swift-tools-version:5.7
// Edgepack's Swift runtime wrapper: EdgepackCore (pre/post-processing, Foundation only, byte-identical to the
// app's reference runtime), EdgepackRuntime (ModelWrapper on CoreML) and the bundle's example, edgepack-predict.
import Foundation
import PackageDescription

let package = Package(
    name: "EdgepackRuntime",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "EdgepackRuntime", targets: ["EdgepackRuntime"]),
        .executable(name: "edgepack-predict", targets: ["edgepack-predict"]),
    ],
    targets: [
        .target(name: "EdgepackCore"),
        .target(name: "EdgepackRuntime", dependencies: ["EdgepackCore"]),
        .executableTarget(name: "edgepack-predict", dependencies: ["EdgepackRuntime"]),
    ]
)

// The tests and their vectors live in the repository only: a bundle ships the package without them, and SwiftPM
// refuses a target whose folder is missing.
let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tests/EdgepackRuntimeTests")
if FileManager.default.fileExists(atPath: testsFolder.path) {
    package.targets.append(
        .testTarget(
            name: "EdgepackRuntimeTests",
            dependencies: ["EdgepackCore"],
            resources: [.copy("Vectors")]
        ))
}
