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

    /**
     * An escape table for {@link #writeEscaped}: each pair is a byte and the letter written after a backslash in its
     * place (e.g. '\n', 'n').
     */
    static byte[] escapes(char... pairs) {
        byte[] table = new byte[256];
        for (int i = 0; i < pairs.length; i += 2) {
            table[pairs[i]] = (byte) pairs[i + 1];
        }
        return table;
    }

    /**
     * Writes v with each byte the table names replaced by a backslash and its letter. Works on UTF-8: no byte of a
     * multi-byte sequence is below 0x80, so escaping ASCII bytes one by one is exact.
     */
    void writeEscaped(byte[] v, byte[] escapes) {
        ensure(v.length);
        int start = 0;
        for (int i = 0; i < v.length; i++) {
            byte esc = escapes[v[i] & 0xff];
            if (esc != 0) {
                write(v, start, i - start);
                write('\\');
                write(esc);
                start = i + 1;
            }
        }
        write(v, start, v.length - start);
    }

    /** Room for {@code more} bytes, so a run of single-byte writes does not grow the array byte by byte. */
    void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    /** Drops everything from {@code at} on. */
    void truncate(int at) {
        if (at < 0 || at > size) {
            throw new IndexOutOfBoundsException(at);
        }
        size = at;
    }

    int size() {
        return size;
    }

    /** The array itself (valid up to size()); shared, not copied. */
    byte[] buffer() {
        return buf;
    }
}
