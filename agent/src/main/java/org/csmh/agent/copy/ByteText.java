package org.csmh.agent.copy;

import java.util.Arrays;

/** The bytes a chunk encoder builds: one array that grows as it is written (no object per row or per cell). */
final class ByteText {
    private byte[] buf;
    private int size;

    ByteText(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    void write(int b) {
        if (size == buf.length) {
            ensure(1);
        }
        buf[size++] = (byte) b;
    }

    void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** Room for {@code more} bytes, so a run of single-byte writes does not grow the array byte by byte. */
    void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    int size() {
        return size;
    }

    /** The array itself (valid up to size()); shared, not copied. */
    byte[] buffer() {
        return buf;
    }
}
