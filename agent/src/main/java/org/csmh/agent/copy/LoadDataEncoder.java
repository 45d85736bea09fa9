package org.csmh.agent.copy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * Builds one chunk of rows as LOAD DATA text while the reader streams them: tab-separated, newline-terminated,
 * backslash escapes, \N for NULL (the server's defaults for FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES
 * TERMINATED BY '\n'). Works on UTF-8 bytes: no byte of a multi-byte sequence is below 0x80, so escaping ASCII
 * bytes one by one is exact. Cells go straight from the result set into one growing array: no object per row,
 * which kept the agent's garbage collector busy when rows were held as cell arrays first.
 */
final class LoadDataEncoder implements ChunkEncoder {
    private final ByteText out;
    private int rows;
    private boolean rowStarted;

    LoadDataEncoder(int capacity) {
        out = new ByteText(capacity);
    }

    /** Appends one column value of the current row; null is SQL NULL. */
    @Override
    public void cell(byte[] v) {
        if (rowStarted) {
            out.write('\t');
        }
        rowStarted = true;
        if (v == null) {
            out.write('\\');
            out.write('N');
            return;
        }
        out.ensure(v.length);
        int start = 0;
        for (int i = 0; i < v.length; i++) {
            byte esc = switch (v[i]) {
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

    @Override
    public void endRow() {
        out.write('\n');
        rowStarted = false;
        rows++;
    }

    @Override
    public int size() {
        return out.size();
    }

    @Override
    public int rows() {
        return rows;
    }

    /** The text as the file LOAD DATA LOCAL asks for; shares the buffer, no copy. */
    InputStream stream() {
        return new ByteArrayInputStream(out.buffer(), 0, out.size());
    }

    byte[] buffer() {
        return out.buffer();
    }



}
