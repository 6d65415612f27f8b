// swift-tools-version:5.7
// An Edgepack iOS package: the export's CoreML model and metadata.json as resources of EdgepackModel, on top of the
// Swift runtime wrapper (EdgepackCore: pre/post-processing; EdgepackRuntime: ModelWrapper on CoreML).
import PackageDescription

let package = Package(
    name: "EdgepackModel",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "EdgepackModel", targets: ["EdgepackModel"]),
    ],
    targets: [
        .target(name: "EdgepackCore"),
        .target(name: "EdgepackRuntime", dependencies: ["EdgepackCore"]),
        // The model folder is copied as is: ModelWrapper compiles the .mlpackage on the device on first load.
        .target(name: "EdgepackModel", dependencies: ["EdgepackRuntime"], resources: [.copy("Resources")]),
    ]
)
