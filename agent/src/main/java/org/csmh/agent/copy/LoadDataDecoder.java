package org.csmh.agent.copy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@link LoadDataEncoder}'s text back into rows of cells (null for \N), for the multi-row INSERT used when
 * the target refuses LOAD DATA LOCAL: one format in transit, and the rare fallback pays for the parsing.
 */
final class LoadDataDecoder {
    private LoadDataDecoder() {
    }

    static List<byte[][]> rows(byte[] text, int length, int width) {
        List<byte[][]> rows = new ArrayList<>();
        byte[][] row = new byte[width][];
        int col = 0;
        byte[] cell = new byte[256];
        int n = 0;
        boolean nullMarker = false;
        for (int i = 0; i < length; i++) {
            byte b = text[i];
            if (b == '\\' && i + 1 < length) {
                byte e = text[++i];
                if (e == 'N' && n == 0) {
                    nullMarker = true;
                    continue;
                }
                b = switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case '0' -> 0;
                    default -> e;
                };
            } else if (b == '\t' || b == '\n') {
                if (col >= width) {
                    throw new IllegalArgumentException("row " + (rows.size() + 1) + " has more than " + width + " columns");
                }
                row[col++] = nullMarker ? null : Arrays.copyOf(cell, n);
                n = 0;
                nullMarker = false;
                if (b == '\n') {
                    if (col != width) {
                        throw new IllegalArgumentException("row " + (rows.size() + 1) + " has " + col + " columns, not " + width);
                    }
                    rows.add(row);
                    row = new byte[width][];
                    col = 0;
                }
                continue;
            }
            if (n == cell.length) {
                cell = Arrays.copyOf(cell, n * 2);
            }
            cell[n++] = b;
        }
        if (col != 0 || n != 0) {
            throw new IllegalArgumentException("text ends inside a row");
        }
        return rows;
    }
}
