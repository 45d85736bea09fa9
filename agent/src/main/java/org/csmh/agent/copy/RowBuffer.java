package org.csmh.agent.copy;

import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of rows kept as the source sent each value (the server's own text, as bytes), for a writer that binds
 * them to a server-side prepared multi-row INSERT: the target parses the statement once and takes every value as a
 * binary parameter, so neither side escapes, quotes or scans row text.
 */
final class RowBuffer implements ChunkEncoder {
    private final int width;
    private final List<byte[][]> rows = new ArrayList<>();
    private byte[][] current;
    private int column;
    private int size;

    RowBuffer(int width) {
        this.width = width;
    }

    @Override
    public void cell(byte[] v) {
        if (current == null) {
            current = new byte[width][];
        }
        current[column++] = v;
        // What the value takes on the heap (an array header, rounded to 8 bytes, and its slot in the row): what the cap
        // on a chunk's memory counts. Counting the bytes alone let a chunk of short rows take several times its cap.
        size += (v == null ? 0 : heapBytes(v.length)) + 4;
    }

    private static int heapBytes(int payload) {
        return (16 + payload + 7) & ~7;
    }

    @Override
    public void endRow() {
        size += heapBytes(4 * width) + 8; // the row's own array and its slot in the list
        rows.add(current);
        current = null;
        column = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int rows() {
        return rows.size();
    }

    List<byte[][]> list() {
        return rows;
    }
}
