import EdgepackRuntime
import Foundation

// The bundle's Swift example: `swift run edgepack-predict image.jpg [--json] [--bundle DIR] [--conf X]`, run from
// runtimes/swift/ of an unzipped bundle (macOS; the bundle's root, two levels up, holds metadata.json and the model).

let usage = "usage: edgepack-predict IMAGE [--json] [--bundle DIR] [--conf X] [--iou X] [--max-det N]"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(2)
}

var imagePath: String?
var json = false
var bundleRoot = ModelWrapper.defaultBundleRoot
var options = PostprocessOptions()
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    func value() -> String {
        if arguments.isEmpty { fail("\(argument) needs a value.\n\(usage)") }
        return arguments.removeFirst()
    }
    func number() -> Double {
        let text = value()
        guard let parsed = Double(text) else { fail("\(argument) takes a number, not \"\(text)\".\n\(usage)") }
        return parsed
    }
    switch argument {
    case "--json": json = true
    case "--bundle": bundleRoot = URL(fileURLWithPath: value())
    case "--conf": options.conf = number()
    case "--iou": options.iou = number()
    case "--max-det": options.maxDet = Int(number())
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        if argument.hasPrefix("-") || imagePath != nil { fail("Unexpected argument \(argument).\n\(usage)") }
        imagePath = argument
    }
}
guard let imageFile = imagePath else { fail(usage) }

do {
    let wrapper = try ModelWrapper(bundleRoot: bundleRoot)
    let predictions = try wrapper.predict(imageAt: URL(fileURLWithPath: imageFile), options: options)
    if json {
        // Shaped as one result of `edgepack predict --json`: the image and its predictions.
        struct Result: Encodable {
            let image: String
            let predictions: [Prediction]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(data: try encoder.encode(Result(image: imageFile, predictions: predictions)), encoding: .utf8)!)
    } else {
        for p in predictions {
            let box = p.bbox.map { " at [" + $0.map { String($0) }.joined(separator: ", ") + "]" } ?? ""
            print("\(p.className) (\(p.classId)) \(p.confidence)\(box)")
        }
    }
} catch let error as EdgepackError {
    fail("\(error.code.rawValue): \(error.message)\n\(error.hint)")
} catch {
    fail("\(error)")
}
