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
    /** The server's defaults for ESCAPED BY '\\': backslash, tab, newline, carriage return, NUL. */
    private static final byte[] ESCAPES = ByteText.escapes('\\', '\\', '\t', 't', '\n', 'n', '\r', 'r', (char) 0, '0');
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
        out.writeEscaped(v, ESCAPES);
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
