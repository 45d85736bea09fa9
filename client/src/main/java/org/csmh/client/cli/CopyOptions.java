package org.csmh.client.cli;

import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import picocli.CommandLine.Option;

/** The copy's own options, shared by copy and plan (which plans the copy these options would start). */
final class CopyOptions {
    @Option(names = "--range-start", description = "first id (default 1)")
    long rangeStart;
    @Option(names = "--range-end", description = "last id (default max(id) of the old table, then catch-up passes follow"
            + " rows that arrive above it; a given end is where the copy stops)")
    long rangeEnd;
    @Option(names = "--mode", description = "auto (default), same-instance or cross-server")
    String mode = "auto";
    @Option(names = "--growth-check-seconds", description = "watch the old table this long and refuse if it grows (default 5)")
    Integer growth;
    @Option(names = "--statement", description = "auto (default: under innodb_autoinc_lock_mode 1 simple-inserts, or short-insert-select"
            + " when the server runs on another host; else bulk), bulk (INSERT..SELECT / LOAD DATA: fastest, holds CSMHE's AUTO-INC lock per"
            + " chunk under mode 0/1), simple-inserts, or short-insert-select (same instance: INSERT..SELECT of 250 ids a statement)")
    String statement = "auto";
    @Option(names = "--writers", description = "target connections writing chunks at once, commits in id order (1..4,"
            + " default 2; one under --sleep-ms, and for bulk statements under innodb_autoinc_lock_mode 0/1)")
    Integer writers;
    @Option(names = "--settle-timeout-seconds", description = "longest wait for open source transactions before the first chunk"
            + " and before success; still open then fails the copy (default 300)")
    Integer settleTimeout;
    @Option(names = "--settle-seconds", description = "where open transactions cannot be seen (no PROCESS): wait this long"
            + " before the first chunk and before success instead (default 10)")
    Integer settle;


    StartCopyRequest request(Pace pace) {
        StartCopyRequest.Builder b = StartCopyRequest.newBuilder().setRangeStart(rangeStart).setRangeEnd(rangeEnd).setPace(pace)
                .setMode(switch (mode) {
                    case "auto" -> CopyMode.COPY_MODE_AUTO;
                    case "same-instance" -> CopyMode.COPY_MODE_SAME_INSTANCE;
                    case "cross-server" -> CopyMode.COPY_MODE_CROSS_SERVER;
                    default -> throw new UsageException("--mode: expected auto, same-instance or cross-server, got '" + mode + "'");
                });
        b.setStatement(switch (statement) {
            case "auto" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_AUTO;
            case "bulk" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_BULK;
            case "simple-inserts" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_SIMPLE_INSERTS;
            case "short-insert-select" -> org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_SHORT_INSERT_SELECT;
            default -> throw new UsageException("--statement: expected auto, bulk, simple-inserts or short-insert-select, got '" + statement + "'");
        });
        if (growth != null) {
            b.setGrowthCheckSeconds(growth);
        }
        if (settleTimeout != null) {
            b.setSettleTimeoutSeconds(settleTimeout);
        }
        if (settle != null) {
            b.setSettleSeconds(settle);
        }
        if (writers != null) {
            b.setWriters(writers);
        }
        return b.build();
    }
}
