// STUB for the JVM test build only (native-runtimes/kotlin/test.mjs), never shipped: LiteRT's org.tensorflow.lite.DataType.
package org.tensorflow.lite;

public enum DataType { FLOAT32, INT32, UINT8, INT64, STRING, BOOL, INT16, INT8 }
