package org.csmh.agent.copy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one chunk of rows as multi-row INSERT statements while the reader streams them, for a target that refuses
 * LOAD DATA LOCAL (MySQL 8's default local_infile=OFF). As mysqldump does, each statement carries a few MiB of rows;
 * unlike the client-side prepared statement it replaces, the text is made on the reader thread, so the writer only
 * sends it and the target never waits for the agent. Values are the server's own text: numbers as they are, strings
 * and dates quoted with backslash escapes (the writer's session has no NO_BACKSLASH_ESCAPES). Works on UTF-8 bytes:
 * no byte of a multi-byte sequence is below 0x80, so escaping ASCII bytes one by one is exact.
 */
final class InsertValuesEncoder implements ChunkEncoder {
    static final int STATEMENT_BYTES = 4 << 20;
    private final byte[] prefix;
    private final boolean[] quoted;
    private byte[] buf;
    private int size;
    private int rows;
    private int column;
    private int statementStart;
    private int rowsInStatement;
    private final List<int[]> statements = new ArrayList<>();

    /**
     * @param prefix "INSERT INTO t (columns) VALUES "
     * @param quoted per column: a string or date (quoted) rather than a number
     */
    InsertValuesEncoder(String prefix, boolean[] quoted, int capacity) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.quoted = quoted.clone();
        this.buf = new byte[Math.max(256, capacity)];
    }

    @Override
    public void cell(byte[] v) {
        if (column == 0) {
            if (rowsInStatement == 0) {
                statementStart = size;
                write(prefix, 0, prefix.length);
                write('(');
            } else {
                write(',');
                write('(');
            }
        } else {
            write(',');
        }
        if (v == null) {
            write('N');
            write('U');
            write('L');
            write('L');
        } else if (!quoted[column]) {
            write(v, 0, v.length);
        } else {
            ensure(v.length + 2);
            write('\'');
            int start = 0;
            for (int i = 0; i < v.length; i++) {
                byte esc = switch (v[i]) {
                    case '\\' -> '\\';
                    case '\'' -> '\'';
                    case '\n' -> 'n';
                    case '\r' -> 'r';
                    case 0 -> '0';
                    case 26 -> 'Z';
                    default -> -1;
                };
                if (esc != -1) {
                    write(v, start, i - start);
                    write('\\');
                    write(esc);
                    start = i + 1;
                }
            }
            write(v, start, v.length - start);
            write('\'');
        }
        column++;
    }

    @Override
    public void endRow() {
        write(')');
        column = 0;
        rows++;
        rowsInStatement++;
        if (size - statementStart >= STATEMENT_BYTES) {
            closeStatement();
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int rows() {
        return rows;
    }

    /** The statements, each a whole multi-row INSERT. */
    List<String> statements() {
        if (rowsInStatement > 0) {
            closeStatement();
        }
        List<String> out = new ArrayList<>(statements.size());
        for (int[] s : statements) {
            out.add(new String(buf, s[0], s[1] - s[0], StandardCharsets.UTF_8));
        }
        return out;
    }

    private void closeStatement() {
        statements.add(new int[] {statementStart, size});
        rowsInStatement = 0;
    }

    private void write(int b) {
        if (size == buf.length) {
            ensure(1);
        }
        buf[size++] = (byte) b;
    }

    private void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
