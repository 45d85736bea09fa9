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
        // The bytes, plus what the protocol adds per value (a length, a NULL bit): what the cap on a chunk's memory counts.
        size += (v == null ? 0 : v.length) + 4;
    }

    @Override
    public void endRow() {
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
