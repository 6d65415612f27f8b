import PhotosUI
import SwiftUI

/// A photo picker, the photo with the boxes drawn on it, and the predictions listed.
struct DetectionView: View {
    @StateObject private var detector = PhotoDetector()
    @State private var picked: PhotosPickerItem?

    var body: some View {
        VStack(spacing: 12) {
            if let image = detector.image {
                Image(uiImage: image)
                    .resizable()
                    .scaledToFit()
                    .overlay(BoxesOverlay(predictions: detector.predictions, imageSize: image.size))
            }
            Text(detector.status)
            Text(detector.summary).font(.footnote).foregroundColor(.secondary)
            PhotosPicker("Choose a photo", selection: $picked, matching: .images)
                .buttonStyle(.borderedProminent)
        }
        .padding()
        .task { detector.load() }
        .onChange(of: picked) { item in
            Task {
                guard let data = try? await item?.loadTransferable(type: Data.self) else { return }
                await detector.detect(imageData: data)
            }
        }
    }
}
