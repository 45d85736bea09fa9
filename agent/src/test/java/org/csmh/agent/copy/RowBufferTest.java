package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RowBufferTest {
    @Test
    void sizeCountsWhatTheRowsTakeOnTheHeapNotJustTheirBytes() {
        RowBuffer rows = new RowBuffer(7);
        for (int r = 0; r < 1000; r++) {
            for (int c = 0; c < 7; c++) {
                rows.cell(c == 1 ? null : new byte[] {'1'});
            }
            rows.endRow();
        }
        assertEquals(1000, rows.rows());
        // 6 one-byte values a row: 6 bytes of data, but 6 arrays of 24 bytes, 7 slots, the row's array and its slot.
        assertEquals(1000 * (6 * 24 + 7 * 4 + 48 + 8), rows.size());
        assertTrue(rows.size() > 30 * 1000 * 6, "far more than the bytes alone");
    }

    @Test
    void aLongValueCountsItsLengthRoundedToTheHeapsAlignment() {
        RowBuffer rows = new RowBuffer(1);
        rows.cell(new byte[1_000_001]);
        rows.endRow();
        assertEquals(((16 + 1_000_001 + 7) & ~7) + 4 + 24 + 8, rows.size());
        assertEquals(1, rows.list().size());
    }
}
