package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;

/**
 * How a cross-server copy writes CSMHE, decided once from the target's facts and shared by the reader (which encodes
 * chunks for it) and every {@link ChunkWriter}: LOAD DATA LOCAL where the target takes it, else multi-row INSERTs,
 * server-side prepared on MariaDB and text on MySQL. A refusal of LOAD DATA LOCAL met later switches it for good.
 */
final class TargetWrites {
    private static final Logger LOG = Logger.getLogger(TargetWrites.class.getName());
    private static final Set<String> UTF8 = Set.of("utf8", "utf8mb3", "utf8mb4");
    /** version, created and state are text; id, grade, max_grade and student_module_id numbers (Tables.COLUMNS order). */
    private static final boolean[] QUOTED = {false, true, true, true, false, false, false};
    /** What one INSERT carries at most: a few MiB of rows, as mysqldump's statements do. */
    static final int STATEMENT_BYTES = 4 << 20;
    /**
     * What a packet holds besides the rows' values: the command and statement header, and a prepared statement's
     * null bitmap (an eighth of a byte per value: 875 bytes for {@link ChunkWriter#PREPARED_ROWS} rows).
     */
    static final int PACKET_HEADROOM = 1024;

    private final String loadSql;
    private final String insertPrefix;
    /** CSMHE's text columns are UTF-8, as the bytes the reader gets: bound as they are, no decoding. */
    private final boolean bindBytes;
    /**
     * INSERTs as server-side prepared statements with binary parameters (MariaDB), or as text statements the reader
     * encodes (MySQL). Measured at 1M rows: on MariaDB 10.11 the prepared ones took 18.6-21.7 s where the text took
     * 27.9 s; on MySQL 8.0.15 they took 67 s where the text took 23.7 s.
     */
    private final boolean preparedInserts;
    /** What one INSERT may hold: see {@link #statementBytes(long)}. */
    private final int statementBytes;
    /** Said of the INSERT paths when the target's packet bounds their statements, so the operator sees why. */
    private final String sizeNote;
    // Read by the reader thread to pick the encoding, changed by a writer if the server refuses LOAD DATA LOCAL.
    private volatile boolean localInfile;
    private final Consumer<String> pathReport;

    /**
     * @param simpleInsertsBecause when not null, write only explicit-id multi-row INSERT..VALUES ("simple inserts",
     *                             which under innodb_autoinc_lock_mode 1 take no table AUTO-INC lock) and say why
     * @param pathReport           told which write path is in use (and again if it changes), for the job snapshot
     */
    TargetWrites(Connection source, Connection target, Tables tables, Consumer<String> pathReport, String simpleInsertsBecause)
            throws SQLException {
        this.pathReport = pathReport;
        String charset = prepareCharsets(source, target, tables);
        this.bindBytes = charset.equals("binary");
        // One read of the target's facts: its flavour picks the INSERT form, its local_infile whether LOAD DATA can go.
        Inspector.ServerFacts facts = new Inspector(target).serverFacts();
        this.preparedInserts = facts.mariaDb();
        this.statementBytes = statementBytes(facts.maxAllowedPacket());
        String how = preparedInserts ? ", server-side prepared" : "";
        // MySQL 8 (and Tutor's 8.4) ship with local_infile=OFF: then the server refuses LOAD DATA LOCAL, so the copy
        // writes multi-row INSERTs from the start instead of failing a chunk first.
        localInfile = simpleInsertsBecause == null && facts.localInfile();
        String path = simpleInsertsBecause != null ? "multi-row INSERT..VALUES with explicit ids" + how + " (" + simpleInsertsBecause + ")"
                : localInfile ? "LOAD DATA LOCAL INFILE (CHARACTER SET " + charset + ")"
                : "multi-row INSERT" + how + " (the target has local_infile=OFF; SET GLOBAL local_infile=1 there allows"
                + " the faster LOAD DATA LOCAL)";
        this.sizeNote = statementBytes < STATEMENT_BYTES ? "; INSERTs of at most " + String.format(java.util.Locale.ROOT, "%,d", statementBytes)
                + " bytes (the target's max_allowed_packet is " + String.format(java.util.Locale.ROOT, "%,d", facts.maxAllowedPacket()) + ")" : "";
        if (!localInfile) {
            path += sizeNote;
        }
        LOG.info("event=copy_write_path path=\"" + path + "\"");
        pathReport.accept(path);
        this.insertPrefix = "INSERT INTO " + tables.csmhe() + " (" + Tables.COLUMNS + ") VALUES ";
        this.loadSql = "LOAD DATA LOCAL INFILE 'csmh-chunk.tsv' INTO TABLE " + tables.csmhe() + " CHARACTER SET " + charset
                + " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + Tables.COLUMNS + ")";
    }

    /**
     * Makes the bytes the reader gets UTF-8 and picks the LOAD DATA character set for them. With
     * character_set_results NULL (Connector/J's default) the source sends each column as stored; a text column
     * that is not UTF-8 makes the reader ask for utf8mb4 instead. When every text column of CSMHE is UTF-8 too,
     * LOAD DATA takes the bytes as they are (binary): the server still checks that each value is well formed for
     * its column and warns (an error here) when one is not, such as a 4-byte character for a utf8mb3 column, but it
     * no longer converts every byte of every state, which was a fifth of the target's LOAD DATA time measured on
     * 1M rows. A target column in any other character set gets the server's conversion from utf8mb4.
     */
    static String prepareCharsets(Connection source, Connection target, Tables tables) throws SQLException {
        String results = new Inspector(source).resultsCharset();
        Set<String> sent = results == null ? new Inspector(source).textCharsets(tables.sourceDb(), TableNames.CSMH) : Set.of(results);
        if (!UTF8.containsAll(sent)) {
            try (Statement st = source.createStatement()) {
                st.execute("SET SESSION character_set_results = utf8mb4");
            }
        }
        Set<String> stored = new Inspector(target).textCharsets(tables.targetDb(), TableNames.CSMHE);
        return UTF8.containsAll(stored) ? "binary" : "utf8mb4";
    }

    /** LOAD DATA text while the target takes it; ready-made INSERT statements once it does not. */
    ChunkEncoder encoder(int capacity) {
        return localInfile ? new LoadDataEncoder(capacity) : preparedInserts ? new RowBuffer(Tables.WIDTH)
                : new InsertValuesEncoder(insertPrefix, QUOTED, statementBytes, capacity);
    }

    /**
     * What one INSERT may hold: {@link #STATEMENT_BYTES}, or less where the target's max_allowed_packet is smaller
     * (MySQL 5.7's default is 4 MiB, and DBAs set 1 MiB): the driver refuses a larger statement before sending it,
     * and a copy that failed every chunk where mysqldump's smaller statements go through would be a copy that
     * cannot run there. LOAD DATA LOCAL needs no such bound: the driver sends the file in packets of its own.
     */
    static int statementBytes(long maxAllowedPacket) {
        return (int) Math.max(1, Math.min(STATEMENT_BYTES, maxAllowedPacket - PACKET_HEADROOM));
    }

    int statementBytes() {
        return statementBytes;
    }

    boolean localInfile() {
        return localInfile;
    }

    synchronized void localInfileRefused(String why) {
        if (localInfile) {
            localInfile = false;
            pathReport.accept("multi-row INSERT (the target refused LOAD DATA LOCAL: " + why + ")" + sizeNote);
        }
    }

    boolean bindBytes() {
        return bindBytes;
    }

    String loadSql() {
        return loadSql;
    }

    /** A multi-row INSERT with a placeholder per value of {@code rows} rows. */
    String preparedInsert(int rows) {
        StringBuilder sql = new StringBuilder(insertPrefix);
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?)");
        }
        return sql.toString();
    }

    static boolean refusesLocalInfile(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase();
        return e.getErrorCode() == 1148 || e.getErrorCode() == 3948 || e.getErrorCode() == 2068 || m.contains("local data is disabled")
                || m.contains("local infile");
    }
}
