package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The encoder's LOAD DATA text and the decoder used by the INSERT fallback agree on every byte. */
class LoadDataTextTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void escapesWhatTheServerWouldReadAsStructure() {
        LoadDataEncoder e = new LoadDataEncoder(1);
        e.cell(utf8("a\tb"));
        e.cell(null);
        e.cell(utf8(""));
        e.cell(utf8("\\N"));
        e.cell(utf8("x\ny\r\0z\\"));
        e.endRow();
        String text = new String(e.buffer(), 0, e.size(), StandardCharsets.UTF_8);
        assertEquals("a\\tb\t\\N\t\t\\\\N\tx\\ny\\r\\0z\\\\\n", text);
        assertEquals(1, e.rows());
    }

    @Test
    void decoderReadsBackEveryCellIncludingNullAndEmpty() {
        byte[][][] rows = {
            {utf8("1"), null, utf8(""), utf8("\\N"), utf8("tab\there"), utf8("ünï€ode 😀"), utf8("\0\r\n\\")},
            {utf8("2"), utf8("N"), utf8("\\"), null, null, utf8("end\\"), utf8("")},
        };
        LoadDataEncoder e = new LoadDataEncoder(16);
        for (byte[][] r : rows) {
            for (byte[] c : r) {
                e.cell(c);
            }
            e.endRow();
        }
        List<byte[][]> back = LoadDataDecoder.rows(e.buffer(), e.size(), 7);
        assertEquals(2, back.size());
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 7; j++) {
                if (rows[i][j] == null) {
                    assertNull(back.get(i)[j], "row " + i + " col " + j);
                } else {
                    assertArrayEquals(rows[i][j], back.get(i)[j], "row " + i + " col " + j);
                }
            }
        }
    }

    @Test
    void randomBytesSurviveTheRoundTrip() {
        Random r = new Random(42);
        byte[] alphabet = {'\\', '\t', '\n', '\r', 0, 'N', 'a', 'b', (byte) 0xC3, (byte) 0xA9};
        LoadDataEncoder e = new LoadDataEncoder(8);
        byte[][][] rows = new byte[500][3][];
        for (byte[][] row : rows) {
            for (int j = 0; j < 3; j++) {
                if (r.nextInt(10) == 0) {
                    continue;
                }
                byte[] b = new byte[r.nextInt(40)];
                for (int k = 0; k < b.length; k++) {
                    b[k] = alphabet[r.nextInt(alphabet.length)];
                }
                row[j] = b;
            }
            for (byte[] c : row) {
                e.cell(c);
            }
            e.endRow();
        }
        List<byte[][]> back = LoadDataDecoder.rows(e.buffer(), e.size(), 3);
        assertEquals(rows.length, back.size());
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 3; j++) {
                assertArrayEquals(rows[i][j], back.get(i)[j], "row " + i + " col " + j);
            }
        }
    }

    @Test
    void decoderRefusesRowsOfTheWrongWidth() {
        byte[] two = utf8("1\t2\n");
        assertThrows(IllegalArgumentException.class, () -> LoadDataDecoder.rows(two, two.length, 3));
        byte[] cut = utf8("1\t2\t3");
        assertThrows(IllegalArgumentException.class, () -> LoadDataDecoder.rows(cut, cut.length, 3));
    }

    @org.junit.jupiter.api.Test
    void insertStatementsAreSplitAtAFewMibAndQuoteOnlyText() {
        InsertValuesEncoder e = new InsertValuesEncoder("INSERT INTO t (a, b) VALUES ", new boolean[] {false, true}, TargetWrites.STATEMENT_BYTES, 16);
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        for (int i = 1; i <= 10; i++) {
            e.cell(Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            e.cell(i == 10 ? "it's\\\n\0".getBytes(java.nio.charset.StandardCharsets.UTF_8) : big);
            e.endRow();
        }
        java.util.List<String> statements = e.statements();
        org.junit.jupiter.api.Assertions.assertEquals(3, statements.size(), "three rows of 1 MiB to a statement (a fourth would pass 4 MiB), the short tenth with the last three");
        for (String s : statements) {
            org.junit.jupiter.api.Assertions.assertTrue(s.startsWith("INSERT INTO t (a, b) VALUES (") && s.endsWith(")"));
            org.junit.jupiter.api.Assertions.assertTrue(s.length() <= TargetWrites.STATEMENT_BYTES, s.length() + " bytes");
        }
        org.junit.jupiter.api.Assertions.assertTrue(statements.get(2).endsWith("(10,'it\\'s\\\\\\n\\0')"), statements.get(2)
                .substring(statements.get(2).length() - 30));
        org.junit.jupiter.api.Assertions.assertEquals(10, e.rows());
    }

    /**
     * Statements sized to a small max_allowed_packet: none passes the bound unless it is one row larger than the bound
     * on its own, and every row is there once, in order, whatever the splits.
     */
    @org.junit.jupiter.api.Test
    void insertStatementsStayWithinTheTargetsPacketAndKeepEveryRowInOrder() {
        int bound = TargetWrites.statementBytes(1 << 20);
        org.junit.jupiter.api.Assertions.assertEquals((1 << 20) - TargetWrites.PACKET_HEADROOM, bound);
        org.junit.jupiter.api.Assertions.assertEquals(TargetWrites.STATEMENT_BYTES, TargetWrites.statementBytes(64L << 20));
        org.junit.jupiter.api.Assertions.assertEquals(1, TargetWrites.statementBytes(1024), "MySQL's smallest max_allowed_packet: a row a statement");
        String prefix = "INSERT INTO t (a, b) VALUES ";
        InsertValuesEncoder e = new InsertValuesEncoder(prefix, new boolean[] {false, true}, bound, 16);
        java.util.Random random = new java.util.Random(42);
        java.util.List<String> expected = new java.util.ArrayList<>();
        for (int i = 1; i <= 400; i++) {
            // Mostly a few KB, some near and past the bound itself.
            int size = i % 97 == 0 ? bound + 10 : i % 41 == 0 ? bound - 30 : random.nextInt(20_000);
            String value = "v".repeat(size);
            e.cell(Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            e.cell(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            e.endRow();
            expected.add("(" + i + ",'" + value + "')");
        }
        java.util.List<String> rows = new java.util.ArrayList<>();
        for (String s : e.statements()) {
            org.junit.jupiter.api.Assertions.assertTrue(s.startsWith(prefix + "("), s.substring(0, 40));
            String[] parts = s.substring(prefix.length()).split(",(?=\\()");
            org.junit.jupiter.api.Assertions.assertTrue(s.length() <= bound || parts.length == 1,
                    s.length() + " bytes in " + parts.length + " rows, over " + bound);
            rows.addAll(java.util.List.of(parts));
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected, rows);
        org.junit.jupiter.api.Assertions.assertEquals(400, e.rows());
    }

    @org.junit.jupiter.api.Test
    void aPreparedRowCountsEveryValuesTypeLengthAndBytes() {
        org.junit.jupiter.api.Assertions.assertEquals(2 + 9 + 3 + 2 + 2 + 9 + 0, ChunkWriter.rowBytes(new byte[][] {utf8("abc"), null, utf8("")}));
    }
}
