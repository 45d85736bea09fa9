package org.csmh.agent.copy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one chunk of rows as multi-row INSERT statements while the reader streams them, for a target that refuses
 * LOAD DATA LOCAL (MySQL 8's default local_infile=OFF). As mysqldump does, each statement carries a few MiB of rows,
 * less where the target's max_allowed_packet is smaller (see {@link TargetWrites#statementBytes});
 * unlike the client-side prepared statement it replaces, the text is made on the reader thread, so the writer only
 * sends it and the target never waits for the agent. Values are the server's own text: numbers as they are, strings
 * and dates quoted with backslash escapes (the writer's session has no NO_BACKSLASH_ESCAPES). Works on UTF-8 bytes:
 * no byte of a multi-byte sequence is below 0x80, so escaping ASCII bytes one by one is exact.
 */
final class InsertValuesEncoder implements ChunkEncoder {
    private final byte[] prefix;
    private final boolean[] quoted;
    /** Backslash escapes of a quoted SQL string: backslash, quote, newline, carriage return, NUL, Ctrl-Z. */
    private static final byte[] ESCAPES = ByteText.escapes('\\', '\\', '\'', '\'', '\n', 'n', '\r', 'r', (char) 0, '0', (char) 26, 'Z');
    private final ByteText out;
    private int rows;
    private int column;
    private final int statementBytes;
    private int statementStart;
    /** Where the current row begins: its '(' or, after the statement's first row, the ',' before it. */
    private int rowStart;
    private int rowsInStatement;
    private final List<int[]> statements = new ArrayList<>();

    /**
     * @param prefix "INSERT INTO t (columns) VALUES "
     * @param quoted per column: a string or date (quoted) rather than a number
     * @param statementBytes the most a statement may hold, unless it is one row that is larger on its own
     */
    InsertValuesEncoder(String prefix, boolean[] quoted, int statementBytes, int capacity) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.statementBytes = statementBytes;
        this.quoted = quoted.clone();
        this.out = new ByteText(capacity);
    }

    @Override
    public void cell(byte[] v) {
        if (column == 0) {
            if (rowsInStatement == 0) {
                statementStart = out.size();
                out.write(prefix, 0, prefix.length);
                rowStart = out.size();
                out.write('(');
            } else {
                rowStart = out.size();
                out.write(',');
                out.write('(');
            }
        } else {
            out.write(',');
        }
        if (v == null) {
            out.write('N');
            out.write('U');
            out.write('L');
            out.write('L');
        } else if (!quoted[column]) {
            out.write(v, 0, v.length);
        } else {
            out.write('\'');
            out.writeEscaped(v, ESCAPES);
            out.write('\'');
        }
        column++;
    }

    @Override
    public void endRow() {
        out.write(')');
        column = 0;
        rows++;
        rowsInStatement++;
        if (rowsInStatement > 1 && out.size() - statementStart > statementBytes) {
            // This row would take the statement past what the target takes: it starts the next statement instead.
            byte[] row = java.util.Arrays.copyOfRange(out.buffer(), rowStart + 1, out.size());
            out.truncate(rowStart);
            rowsInStatement--;
            closeStatement();
            statementStart = out.size();
            out.write(prefix, 0, prefix.length);
            out.write(row, 0, row.length);
            rowsInStatement = 1;
        }
        if (out.size() - statementStart >= statementBytes) {
            closeStatement();
        }
    }

    @Override
    public int size() {
        return out.size();
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
        List<String> texts = new ArrayList<>(statements.size());
        for (int[] s : statements) {
            texts.add(new String(out.buffer(), s[0], s[1] - s[0], StandardCharsets.UTF_8));
        }
        return texts;
    }

    private void closeStatement() {
        statements.add(new int[] {statementStart, out.size()});
        rowsInStatement = 0;
    }



}
