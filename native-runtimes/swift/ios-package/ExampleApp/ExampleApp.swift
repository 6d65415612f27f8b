import SwiftUI

/// The example app: pick a photo, see the packaged model's boxes on it.
@main
struct ExampleApp: App {
    var body: some Scene {
        WindowGroup {
            DetectionView()
        }
    }
}
