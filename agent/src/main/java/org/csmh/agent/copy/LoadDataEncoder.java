package org.csmh.agent.copy;

import java.util.Arrays;
import java.util.List;

/**
 * Rows as LOAD DATA text: tab-separated, newline-terminated, backslash escapes, \N for NULL (the server's
 * defaults for FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'). Works on UTF-8 bytes: no
 * byte of a multi-byte sequence is below 0x80, so escaping ASCII bytes one by one is exact.
 */
final class LoadDataEncoder {
    private LoadDataEncoder() {
    }

    /** A growable byte array without ByteArrayOutputStream's per-call locking: this runs once per byte of data. */
    private static final class Bytes {
        private byte[] buf;
        private int size;

        Bytes(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        void write(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            if (size + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
            }
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }
    }

    static byte[] encode(List<HistoryRow> rows, long weightHint) {
        Bytes out = new Bytes((int) Math.min(Integer.MAX_VALUE - 16, weightHint + rows.size() * 16L));
        for (HistoryRow r : rows) {
            byte[][] cells = r.cells();
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    out.write('\t');
                }
                cell(out, cells[i]);
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static void cell(Bytes out, byte[] v) {
        if (v == null) {
            out.write('\\');
            out.write('N');
            return;
        }
        int start = 0;
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            byte esc = switch (b) {
                case '\\' -> '\\';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case 0 -> '0';
                default -> -1;
            };
            if (esc != -1) {
                out.write(v, start, i - start);
                out.write('\\');
                out.write(esc);
                start = i + 1;
            }
        }
        out.write(v, start, v.length - start);
    }
}
