// STUB for the JVM test build only (native-runtimes/kotlin/test.mjs), never shipped: the members of LiteRT's
// org.tensorflow.lite.InterpreterApi that ModelWrapper.kt uses, with LiteRT's signatures. No interpreter runs here
// (LiteRT's runtime is an Android/native library from Google's Maven): create() refuses; tests implement the
// interface with a replay of recorded outputs.
package org.tensorflow.lite;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.Map;

public interface InterpreterApi extends AutoCloseable {
    class Options {
        public Options setNumThreads(int numThreads) { return this; }
    }

    static InterpreterApi create(File modelFile, Options options) {
        throw new UnsupportedOperationException("STUB: LiteRT's interpreter is not available on this JVM");
    }

    static InterpreterApi create(ByteBuffer byteBuffer, Options options) {
        throw new UnsupportedOperationException("STUB: LiteRT's interpreter is not available on this JVM");
    }

    void run(Object input, Object output);

    void runForMultipleInputsOutputs(Object[] inputs, Map<Integer, Object> outputs);

    int getInputTensorCount();

    int getOutputTensorCount();

    Tensor getInputTensor(int inputIndex);

    Tensor getOutputTensor(int outputIndex);

    @Override
    void close();
}
