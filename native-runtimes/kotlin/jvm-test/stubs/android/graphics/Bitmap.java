// STUB for the JVM test build only (native-runtimes/kotlin/test.mjs), never shipped: the few members of
// android.graphics.Bitmap that ModelWrapper.kt uses, with Android's signatures, backed by an ARGB int array.
package android.graphics;

public final class Bitmap {
    public enum Config { ARGB_8888 }

    private final int[] colors;
    private final int width;
    private final int height;

    private Bitmap(int[] colors, int width, int height) {
        this.colors = colors;
        this.width = width;
        this.height = height;
    }

    public static Bitmap createBitmap(int[] colors, int width, int height, Config config) {
        return new Bitmap(colors.clone(), width, height);
    }

    public int getWidth() { return width; }

    public int getHeight() { return height; }

    public void getPixels(int[] pixels, int offset, int stride, int x, int y, int width, int height) {
        for (int row = 0; row < height; row++) {
            System.arraycopy(colors, (y + row) * this.width + x, pixels, offset + row * stride, width);
        }
    }
}
