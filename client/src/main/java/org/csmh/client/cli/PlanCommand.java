package org.csmh.client.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyPlan;
import org.csmh.proto.v1.PlanCopyRequest;
import org.csmh.proto.v1.PlanReason;
import org.csmh.proto.v1.ReplicaPlan;
import org.csmh.proto.v1.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "plan", sortOptions = false, description = {"Plan a copy before starting it: rows, disk, binary log, time at this pace,"
        + " replicas, the LMS's exposure, and a verdict GO / GO-WITH-WARNINGS / NO-GO (exit 8). Reads only.",
        "Takes the copy's options: the plan is for the copy they would start."})
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    Csmhctl root;
    @Mixin
    CopyOptions copy;
    @Mixin
    PaceOptions pace;
    @Option(names = "--exact-count", description = "COUNT(*) the old table (reads every row) instead of sampling chunks")
    boolean exact;
    @Option(names = "--target-free-bytes", description = "free bytes where CSMHE's server keeps its data, when the agent cannot read it")
    Long freeBytes;
    @Option(names = "--sample-chunks", description = "chunks read and timed on the source (default 8; 1..100)")
    Integer sampleChunks;

    @Override
    public Integer call() {
        PlanCopyRequest.Builder b = PlanCopyRequest.newBuilder().setCopy(copy.request(pace.toPace())).setExactCount(exact);
        if (freeBytes != null) {
            if (freeBytes < 0) {
                throw new UsageException("--target-free-bytes must not be negative");
            }
            b.setTargetFreeBytes(freeBytes);
        }
        if (sampleChunks != null) {
            if (sampleChunks < 1) {
                throw new UsageException("--sample-chunks must be at least 1");
            }
            b.setSampleChunks(sampleChunks);
        }
        PlanCopyRequest r = b.build();
        return root.execute(c -> c.planCopy(r), this::print);
    }

    private int print(CopyPlan p) {
        if (!root.json) {
            root.out.print(table(p));
        }
        return p.getVerdict() == Verdict.VERDICT_NO_GO ? ExitCodes.NO_GO : ExitCodes.OK;
    }

    static String table(CopyPlan p) {
        StringBuilder s = new StringBuilder();
        String mode = p.getMode() == CopyMode.COPY_MODE_SAME_INSTANCE ? "same instance" : "cross server";
        s.append(String.format(Locale.ROOT, "copy plan: %s (%s -> %s)%n", mode, p.getSourceServer(), p.getTargetServer()));
        row(s, "rows", String.format(Locale.ROOT, "%,d %s; InnoDB estimates %,d; ids %d..%d", p.getRows(),
                p.getRowsExact() ? "(counted)" : "(sampled from " + p.getSampleChunks() + " chunks)", p.getRowsInnodbEstimate(), p.getFirstId(),
                p.getLastId()));
        row(s, "old table", bytes(p.getOldTableDataBytes()) + " data + " + bytes(p.getOldTableIndexBytes()) + " indexes");
        row(s, "CSMHE", "+" + bytes(p.getTargetBytesAdded()) + " (now " + bytes(p.getTargetTableBytes()) + ")");
        row(s, "free", p.getTargetFreeBytes() < 0 ? "unknown (--target-free-bytes)" : bytes(p.getTargetFreeBytes()) + " (" + p.getTargetFreeSource() + ")");
        row(s, "binary log", !p.getBinlogOn() ? "off" : p.getBinlogFormat() + ": the copy writes " + bytes(p.getBinlogBytes()) + ", at most "
                + bytes(p.getBinlogBytesKept()) + " kept at once (expiry " + (p.getBinlogExpireSeconds() == 0 ? "never" : duration(p.getBinlogExpireSeconds()))
                + "); a DELETE purge later writes " + bytes(p.getPurgeBinlogBytes()) + " on the old table's server");
        row(s, "rate", String.format(Locale.ROOT, "%,.0f rows/s copying (%s); source reads %,.0f rows/s", p.getRowsPerSecond(), p.getRateSource(),
                p.getSampledRowsPerSecond()));
        row(s, "time", duration(p.getWorkSeconds()) + " running" + (p.getWallSeconds() > p.getWorkSeconds() + 60
                ? ", " + duration(p.getWallSeconds()) + " with the window's closed hours" : "") + "; ends about " + p.getFinishesAt());
        for (ReplicaPlan r : p.getReplicasList()) {
            row(s, "replica", r.getEndpoint() + ": " + (r.getError().isEmpty() ? "lag " + r.getLagSeconds() + " s, " + r.getParallelWorkers()
                    + " parallel workers, applies ~" + duration(r.getApplySeconds()) + " of writes" : r.getError()));
        }
        row(s, "LMS", p.getWritePath() + "; innodb_autoinc_lock_mode=" + p.getAutoincLockMode() + (p.getLmsInsertsWait()
                ? ": the LMS's inserts can wait behind a chunk" : ": the LMS's inserts do not wait for the copy"));
        if (p.getHistoryListLength() > 0) {
            row(s, "history", String.format(Locale.ROOT, "InnoDB history list length %,d on the source", p.getHistoryListLength()));
        }
        s.append("verdict: ").append(p.getVerdict().name().replace("VERDICT_", "").replace('_', '-')).append('\n');
        for (PlanReason r : p.getReasonsList()) {
            s.append("  ").append(r.getVerdict() == Verdict.VERDICT_NO_GO ? "NO-GO " : "warn  ").append(r.getCode()).append(": ")
                    .append(r.getMessage()).append('\n');
        }
        return s.toString();
    }

    /** One line: the verdict, the time, the disk. */
    static String summary(CopyPlan p) {
        return p.getVerdict().name().replace("VERDICT_", "").replace('_', '-') + String.format(Locale.ROOT, ", %,d rows, about %s, CSMHE +%s",
                p.getRows(), duration(p.getWallSeconds()), bytes(p.getTargetBytesAdded())) + (p.getReasonsCount() == 0 ? ""
                : " (" + p.getReasonsList().stream().map(PlanReason::getCode).collect(java.util.stream.Collectors.joining(", ")) + ")");
    }

    private static void row(StringBuilder s, String name, String value) {
        s.append(String.format(Locale.ROOT, "  %-11s %s%n", name, value));
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static String duration(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : seconds + " s";
    }
}
