package org.csmh.agent.plan;

/**
 * What a copy costs per row, from a sample of the source and factors measured by {@code bench/run.sh plan-accuracy}
 * (plan, then copy, then compare on MariaDB 10.11 and MySQL 8.0, same instance and cross server; see bench/README.md).
 * The factors are ratios, so a faster or slower machine moves the sample and the copy alike.
 */
final class CostModel {
    /** How the rows reach CSMHE. */
    enum Path {
        /** INSERT..SELECT on one server: the rows never leave it. */
        INSERT_SELECT,
        /** Read through the agent, written as multi-row INSERT..VALUES. */
        INSERT_VALUES,
        /** Read through the agent, written with LOAD DATA LOCAL INFILE. */
        LOAD_DATA
    }

    private CostModel() {
    }

    /**
     * Copy time per row over the probed time per row: the write probe's for INSERT..SELECT (the server reads and
     * writes in one statement), the sampled read's plus the write probe's where the rows pass through the agent (the
     * copy pipelines them over its writers, so it beats their sum). Measured at 2M rows on 2 cores, each from one or
     * two copies: bench/results/plan-calibration.md. LOAD DATA on MySQL (local_infile OFF there by default) is not
     * measured and taken as its INSERT's.
     */
    static double timeFactor(boolean mariaDbTarget, Path path) {
        return switch (path) {
            case INSERT_SELECT -> mariaDbTarget ? 2.03 : 1.26;
            case INSERT_VALUES -> mariaDbTarget ? 0.75 : 0.49;
            case LOAD_DATA -> mariaDbTarget ? 0.71 : 0.49;
        };
    }

    /** Where the write could not be probed: copy time per row over the sampled read time per row alone (same runs). */
    static double readOnlyFactor(boolean mariaDbTarget, Path path) {
        return switch (path) {
            case INSERT_SELECT -> mariaDbTarget ? 4.2 : 5.2;
            case INSERT_VALUES -> mariaDbTarget ? 7.4 : 5.5;
            case LOAD_DATA -> mariaDbTarget ? 8.3 : 5.5;
        };
    }

    /** The per-row basis the time factor multiplies. */
    static double basis(Path path, double readSecondsPerRow, double writeSecondsPerRow) {
        return path == Path.INSERT_SELECT ? writeSecondsPerRow : readSecondsPerRow + writeSecondsPerRow;
    }

    /**
     * Binary-log bytes per payload byte (the columns' bytes). Row events (binlog_format ROW, and MIXED for the
     * statements it logs as rows: INSERT..SELECT and LOAD DATA here) carry the row images: 0.94 on both engines at 2M
     * rows. A multi-row INSERT..VALUES logged as a statement (MIXED, STATEMENT) carries its text, escaped: 2.01 on
     * MariaDB 10.11 (MIXED, its default). Not measured and taken as the larger: a LOAD DATA under STATEMENT.
     */
    static double binlogFactor(Path path, String format) {
        boolean rows = format.equals("ROW") || (format.equals("MIXED") && path != Path.INSERT_VALUES);
        return rows ? ROW_EVENTS : STATEMENT_TEXT;
    }

    static final double ROW_EVENTS = 0.94;
    static final double STATEMENT_TEXT = 2.01;

    /** CSMHE's file growth per byte of the old table's data and indexes per row: 1.06-1.09 on MariaDB 10.11, 1.21-1.23 on MySQL 8.0. */
    static double bytesFactor(boolean mariaDbTarget) {
        return mariaDbTarget ? 1.08 : 1.22;
    }

    static long binlogBytes(BinlogFacts binlog, boolean mariaDbTarget, Path path, long rows, double payloadPerRow) {
        if (!binlog.on()) {
            return 0;
        }
        return Math.round(rows * payloadPerRow * binlogFactor(path, binlog.format()));
    }
}
