import EdgepackModel
import SwiftUI

/// Each prediction's box (photo pixels) scaled onto the photo as shown, labelled with its class and confidence.
struct BoxesOverlay: View {
    let predictions: [Prediction]
    let imageSize: CGSize

    var body: some View {
        GeometryReader { geometry in
            let scale = geometry.size.width / max(imageSize.width, 1)
            ForEach(predictions.indices, id: \.self) { index in
                if let box = predictions[index].bbox, box.count == 4 {
                    let rect = CGRect(
                        x: box[0] * scale, y: box[1] * scale,
                        width: (box[2] - box[0]) * scale, height: (box[3] - box[1]) * scale)
                    Rectangle()
                        .stroke(Color.yellow, lineWidth: 2)
                        .frame(width: rect.width, height: rect.height)
                        .position(x: rect.midX, y: rect.midY)
                    Text("\(predictions[index].className) \(String(format: "%.2f", predictions[index].confidence))")
                        .font(.caption2)
                        .padding(2)
                        .background(Color.yellow)
                        .position(x: rect.minX + 30, y: max(rect.minY - 8, 8))
                }
            }
        }
    }
}
