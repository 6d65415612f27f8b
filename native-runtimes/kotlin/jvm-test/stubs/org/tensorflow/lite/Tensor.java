// STUB for the JVM test build only (native-runtimes/kotlin/test.mjs), never shipped: the members of LiteRT's
// org.tensorflow.lite.Tensor that ModelWrapper.kt uses, with LiteRT's signatures.
package org.tensorflow.lite;

public interface Tensor {
    DataType dataType();

    int[] shape();

    int numElements();

    int numBytes();

    String name();

    QuantizationParams quantizationParams();

    class QuantizationParams {
        private final float scale;
        private final int zeroPoint;

        public QuantizationParams(float scale, int zeroPoint) {
            this.scale = scale;
            this.zeroPoint = zeroPoint;
        }

        public float getScale() { return scale; }

        public int getZeroPoint() { return zeroPoint; }
    }
}
