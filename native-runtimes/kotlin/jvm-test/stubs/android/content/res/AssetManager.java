// STUB for the JVM test build only (native-runtimes/kotlin/test.mjs), never shipped: android.content.res.AssetManager's
// open(String), reading from a folder given to the (test-only) constructor instead of an APK's assets.
package android.content.res;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

public final class AssetManager {
    private final File root;

    public AssetManager(File root) { this.root = root; }

    public InputStream open(String fileName) throws IOException {
        return new FileInputStream(new File(root, fileName));
    }
}
