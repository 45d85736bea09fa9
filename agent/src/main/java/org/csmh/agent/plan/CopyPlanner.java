package org.csmh.agent.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.csmh.agent.copy.CopyPreflight;
import org.csmh.agent.copy.CopyStarter;
import org.csmh.agent.copy.WritePath;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.PaceRules;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.restart.WriteObserver;
import org.csmh.agent.throttle.LoadSignals;
import org.csmh.agent.throttle.QuietWindow;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.Unsigned;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyPlan;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PlanCopyRequest;
import org.csmh.proto.v1.ReplicaPlan;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.Verdict;

/**
 * PlanCopy: what a copy with these options would take, read from the servers without changing anything. Rows and
 * the read rate come from chunks of the old table read the way the copy reads them; bytes from information_schema;
 * the binary log from the target's settings; time from the sample and the measured factors of {@link CostModel}, or
 * the last copy this agent ran; then the pace's sleeps, rate cap and window.
 */
public final class CopyPlanner {
    static final int DEFAULT_SAMPLE_CHUNKS = 8;
    static final int MAX_SAMPLE_CHUNKS = 100;
    /** A copy job this large tells the copy rate better than any factor. */
    static final long LAST_JOB_MIN_ROWS = 100_000;
    private final JobEnvironment env;
    private final ThrottleMetrics metrics;
    private final Supplier<List<Job>> jobs;
    private final Supplier<WriteObserver.Observation> writes;
    private final String hostname;
    /** The last plan made, for the procedure's copy step. */
    private final java.util.concurrent.atomic.AtomicReference<CopyPlan> last = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile Instant lastAt;

    public CopyPlanner(JobEnvironment env, ThrottleMetrics metrics, Supplier<List<Job>> jobs, Supplier<WriteObserver.Observation> writes, String hostname) {
        this.env = env;
        this.metrics = metrics;
        this.jobs = jobs;
        this.writes = writes;
        this.hostname = hostname;
    }

    public CopyPlan plan(PlanCopyRequest r) {
        CopyPlan p = make(r);
        lastAt = Instant.now();
        last.set(p);
        return p;
    }

    /** The last plan in a line, for the copy step of the procedure; empty before any. */
    public java.util.Optional<String> lastSummary() {
        CopyPlan p = last.get();
        if (p == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("the plan of " + lastAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " says "
                + p.getVerdict().name().replace("VERDICT_", "").replace('_', '-') + ": about " + Duration.ofSeconds(p.getWallSeconds())
                .toString().substring(2).toLowerCase() + ", CSMHE +" + Bytes.of(p.getTargetBytesAdded())
                + p.getReasonsList().stream().map(x -> x.getCode()).reduce((a, b) -> a + ", " + b).map(c -> " (" + c + ")").orElse(""));
    }

    private CopyPlan make(PlanCopyRequest r) {
        StartCopyRequest copy = r.getCopy();
        long growthSeconds = CopyStarter.checkRequest(copy);
        Pace pace = PaceRules.forRequest(JobKind.JOB_KIND_COPY, copy.getPace(), env::hasEndpoint);
        int sampleChunks = r.hasSampleChunks() ? (int) Unsigned.atMost(r.getSampleChunks(), MAX_SAMPLE_CHUNKS, "sample_chunks") : DEFAULT_SAMPLE_CHUNKS;
        if (sampleChunks == 0) {
            throw new InvalidInputException("sample_chunks must be at least 1");
        }
        Endpoint source = env.source();
        Endpoint target = env.target();
        Tables tables = new Tables(source.database(), target.database());
        List<Connection> opened = env.openAll(JobEnvironment.plainTo(source), JobEnvironment.plainTo(target), JobEnvironment.reading(source));
        try (Connection src = opened.get(0); Connection tgt = opened.get(1); Connection reading = opened.get(2)) {
            Reasons reasons = new Reasons();
            CopyPlan.Builder plan = CopyPlan.newBuilder();
            Inspector in = new Inspector(src);
            Inspector out = new Inspector(tgt);
            Inspector.ServerFacts sourceFacts = on(source, in::serverFacts);
            Inspector.ServerFacts targetFacts = on(target, out::serverFacts);
            CopyMode mode = CopyPreflight.resolveMode(copy.getMode(), on(source, in::serverIdentity), on(target, out::serverIdentity));
            plan.setMode(mode).setSourceServer(sourceFacts.describe()).setTargetServer(targetFacts.describe());
            if (!on(source, () -> in.tableExists(source.database(), TableNames.CSMH))) {
                reasons.noGo("tables", "no table " + TableNames.CSMH + " in " + source.database() + " on " + source.describe());
                return plan.setVerdict(reasons.verdict()).addAllReasons(reasons.list()).build();
            }
            boolean targetTable = on(target, () -> out.tableExists(target.database(), TableNames.CSMHE));
            if (!targetTable) {
                reasons.noGo("tables", "no table " + TableNames.CSMHE + " in " + target.database() + " on " + target.describe() + ": run the migrations first");
            }
            long lowest = on(source, () -> in.minId(source.database(), TableNames.CSMH).orElse(1L));
            long highest = on(source, () -> in.maxId(source.database(), TableNames.CSMH).orElse(0L));
            long first = copy.getRangeStart() == 0 ? lowest : copy.getRangeStart();
            long last = copy.getRangeEnd() == 0 ? highest : copy.getRangeEnd();
            plan.setFirstId(first).setLastId(last);

            WritePath path = WritePath.choose(copy, mode, targetFacts.autoincLockMode(), on(target, () -> WritePath.onAnotherHost(tgt, target.host())));
            plan.setWritePath(path.describe(targetFacts.localInfile())).setAutoincLockMode(targetFacts.autoincLockMode())
                    .setLmsInsertsWait(path.blocksLmsInserts());
            if (path.blocksLmsInserts()) {
                reasons.warn("lms_inserts_wait", "the LMS's inserts into " + TableNames.CSMHE + " can wait behind each chunk (bulk statements under"
                        + " innodb_autoinc_lock_mode=" + targetFacts.autoincLockMode() + "): keep chunks short (target_chunk_ms 200) or use quiet hours");
            }

            ChunkSample sample = on(source, () -> ChunkSample.take(reading, tables, first, last, pace.getChunkSize(), sampleChunks));
            plan.setSampleChunks(sample.chunks()).setSamplePayloadBytesPerRow(sample.payloadPerRow())
                    .setSampledRowsPerSecond(sample.secondsPerRow() == 0 ? 0 : 1 / sample.secondsPerRow());
            long estimate = on(source, () -> {
                freshStats(src);
                return in.estimatedRows(source.database(), TableNames.CSMH);
            });
            plan.setRowsInnodbEstimate(estimate);
            long rows;
            if (r.getExactCount() || sample.coversAll(first, last)) {
                rows = sample.coversAll(first, last) ? sample.rows() : on(source, () -> countRows(src, tables, first, last));
                plan.setRowsExact(true);
            } else {
                rows = Math.round(sample.rowsPerId() * (last - first + 1));
            }
            plan.setRows(rows);

            Footprint old = on(source, () -> Footprint.of(src, source.database(), TableNames.CSMH));
            Footprint now = targetTable ? on(target, () -> Footprint.of(tgt, target.database(), TableNames.CSMHE)) : Footprint.NONE;
            plan.setOldTableDataBytes(old.data()).setOldTableIndexBytes(old.index()).setTargetTableBytes(now.data() + now.index());
            boolean mariaDbTarget = targetFacts.mariaDb();
            double oldRows = Math.max(1, r.getExactCount() || sample.coversAll(lowest, highest) || copy.getRangeStart() == 0 && copy.getRangeEnd() == 0
                    ? rows : Math.round(sample.rowsPerId() * (highest - lowest + 1)));
            long added = Math.round(rows * (old.total() / oldRows) * CostModel.bytesFactor(mariaDbTarget));
            plan.setTargetBytesAdded(added);

            CostModel.Path costPath = path.insertSelect() ? CostModel.Path.INSERT_SELECT
                    : path.simpleInsertsBecause() != null || !targetFacts.localInfile() ? CostModel.Path.INSERT_VALUES : CostModel.Path.LOAD_DATA;
            BinlogFacts binlog = on(target, () -> BinlogFacts.of(tgt));
            long binlogBytes = CostModel.binlogBytes(binlog, mariaDbTarget, costPath, rows, sample.payloadPerRow());
            plan.setBinlogOn(binlog.on()).setBinlogFormat(binlog.on() ? binlog.format() : "").setBinlogBytes(binlogBytes)
                    .setBinlogExpireSeconds(binlog.expireSeconds());
            BinlogFacts sourceBinlog = on(source, () -> BinlogFacts.of(src));
            // A chunked DELETE logs each row's before image under ROW (binlog_row_image FULL); a DELETE logged as a
            // statement (MIXED, STATEMENT) is a few hundred bytes a chunk. An estimate from the copy's row factor.
            plan.setPurgeBinlogBytes(sourceBinlog.on() && "ROW".equals(sourceBinlog.format())
                    ? Math.round(rows * sample.payloadPerRow() * CostModel.ROW_EVENTS) : 0);
            if (mode == CopyMode.COPY_MODE_SAME_INSTANCE && binlog.on() && "STATEMENT".equals(binlog.format())) {
                reasons.noGo("binlog_format", "binlog_format=STATEMENT: the copy refuses a same-instance INSERT..SELECT there; set ROW or MIXED,"
                        + " or copy with mode cross-server");
            }

            if (targetTable && last > 0) {
                try {
                    on(target, () -> {
                        CopyPreflight.requireGap(out, target.database(), Math.max(highest, last));
                        return null;
                    });
                } catch (org.csmh.agent.util.PreconditionException e) {
                    reasons.noGo("auto_increment", e.getMessage());
                }
            }
            // Time: the target's write rate probed where the copy could start (its ids below CSMHE's AUTO_INCREMENT).
            WriteProbe.Result probe = reasons.blocks("tables", "auto_increment") || last < first ? new WriteProbe.Result(0, 0,
                    "not timed: the copy could not start") : probeWrites(path.insertSelect(), tables, src, tgt, Math.max(first, last - pace.getChunkSize() + 1), last);
            plan.setWriteProbe(probe.how()).setProbedWriteRowsPerSecond(probe.rows() == 0 ? 0 : 1 / probe.secondsPerRow());
            String engine = (mariaDbTarget ? "MariaDB" : "MySQL") + ", " + costPath.name().toLowerCase().replace('_', ' ');
            Rate rate = lastJobRate(mode).orElseGet(() -> probe.rows() > 0
                    ? new Rate(CostModel.basis(costPath, sample.secondsPerRow(), probe.secondsPerRow()) * CostModel.timeFactor(mariaDbTarget, costPath),
                            (costPath == CostModel.Path.INSERT_SELECT ? "probed write rate" : "sampled read + probed write time") + " x "
                                    + CostModel.timeFactor(mariaDbTarget, costPath) + " (" + engine + ", measured by bench plan-accuracy)")
                    : new Rate(sample.secondsPerRow() * CostModel.readOnlyFactor(mariaDbTarget, costPath), "sampled read rate x "
                            + CostModel.readOnlyFactor(mariaDbTarget, costPath) + " (" + engine + "; writes not probed)"));
            plan.setRowsPerSecond(rate.secondsPerRow() == 0 ? 0 : 1 / rate.secondsPerRow()).setRateSource(rate.source());
            boolean seesTransactions = on(source, in::seesOpenTransactions);
            WriteObserver.Observation seen = writes.get();
            if (seen.verdict() == WriteObserver.Verdict.ONLY_CSMHE) {
                growthSeconds = 0;
            }
            long settleSeconds = seesTransactions ? 0 : 2L * (copy.hasSettleSeconds() ? Unsigned.of(copy.getSettleSeconds()) : 10);
            double working = rows * rate.secondsPerRow();
            long chunks = (last - first) / Math.max(1, pace.getChunkSize()) + 1;
            double sleeps = pace.getSleepMs() > 0 ? chunks * pace.getSleepMs() / 1000.0 : 0;
            double capped = pace.getMaxRowsPerSecond() > 0 ? rows / (double) Integer.toUnsignedLong(pace.getMaxRowsPerSecond()) : 0;
            long work = Math.round(Math.max(working + sleeps, capped) + growthSeconds + settleSeconds);
            plan.setWorkSeconds(work);
            Instant start = Instant.now();
            QuietWindow window = QuietWindow.parse(pace.getWindow(), pace.getTimeZone());
            Duration wall = window == null ? Duration.ofSeconds(work) : window.wallClock(start, work);
            plan.setWallSeconds(wall.getSeconds()).setFinishesAt(start.plus(wall).atZone(window == null ? java.time.ZoneOffset.UTC : window.zone())
                    .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));

            // Disk and binary log.
            long kept = binlog.expireSeconds() == 0 || work <= binlog.expireSeconds() ? binlogBytes
                    : Math.round(binlogBytes * (double) binlog.expireSeconds() / work);
            plan.setBinlogBytesKept(kept);
            FreeSpace free = on(target, () -> FreeSpace.of(tgt, r.hasTargetFreeBytes() ? OptionalLong.of(r.getTargetFreeBytes()) : OptionalLong.empty(),
                    hostname));
            plan.setTargetFreeBytes(free.bytes()).setTargetFreeSource(free.source());
            long need = added + kept;
            if (free.bytes() < 0) {
                reasons.warn("free_space_unknown", "the agent cannot read the free space of " + target.describe() + "'s datadir: check that "
                        + Bytes.of(need) + " fit (CSMHE " + Bytes.of(added) + " + binary log " + Bytes.of(kept) + "), or pass target_free_bytes");
            } else if (free.bytes() < need) {
                reasons.noGo("free_space", Bytes.of(need) + " needed (CSMHE " + Bytes.of(added) + " + binary log " + Bytes.of(kept) + ") but "
                        + Bytes.of(free.bytes()) + " free (" + free.source() + ")");
            } else if (free.bytes() < need + need / 4) {
                reasons.warn("free_space", "less than 25% to spare: " + Bytes.of(need) + " needed, " + Bytes.of(free.bytes()) + " free (" + free.source() + ")");
            }
            if (binlog.on() && binlog.expireSeconds() == 0 && binlogBytes > 0) {
                reasons.warn("binlog_never_expires", "the binary log never expires on " + target.describe() + " (binlog_expire_logs_seconds and"
                        + " expire_logs_days 0): the copy's " + Bytes.of(binlogBytes) + " stay until PURGE BINARY LOGS");
            }

            // Replicas, the source's history, the gate the copy itself applies.
            long applySeconds = Math.round(rows * rate.secondsPerRow());
            for (Map.Entry<String, ThrottleMetrics.Reading> e : metrics.replicaLag(pace.getReplicaEndpointsList()).entrySet()) {
                ReplicaPlan.Builder rp = ReplicaPlan.newBuilder().setEndpoint(e.getKey()).setApplySeconds(applySeconds)
                        .setLagSeconds(e.getValue().value() == null ? -1 : e.getValue().value());
                if (e.getValue().error() != null) {
                    rp.setError(e.getValue().error());
                    reasons.warn("replica_unreadable", "replica " + e.getKey() + ": " + e.getValue().error() + " (the copy would wait, then fail)");
                } else {
                    int workers = parallelWorkers(e.getKey());
                    rp.setParallelWorkers(Math.max(0, workers));
                    if (workers <= 1 && path.writers() > 1) {
                        reasons.warn("replica_workers", "replica " + e.getKey() + " applies with one thread while the copy writes with "
                                + path.writers() + ": its lag will hold the copy to its pace");
                    }
                }
                plan.addReplicas(rp);
            }
            var history = metrics.load(src, List.of("trx_rseg_history_len")).get("trx_rseg_history_len");
            if (history != null && history.value() != null) {
                plan.setHistoryListLength(history.value());
                if (history.value() > 1_000_000) {
                    reasons.warn("history_list_length", "InnoDB's history list length on the source is " + history.value()
                            + ": purge is behind; a copy adds to it (throttle on it: max_load trx_rseg_history_len=...)");
                }
            }
            if (seen.verdict() == WriteObserver.Verdict.OLD_TABLE_GROWS) {
                reasons.noGo("writes", seen.detail() + ": the copy is refused until every server writes only CSMHE (csmhctl restart)");
            }
            if (wall.toDays() >= 7) {
                reasons.warn("long_copy", "about " + wall.toDays() + " days at this pace: a faster pace (sleep_ms, chunk_size) or a wider window");
            }
            return plan.setVerdict(reasons.verdict()).addAllReasons(reasons.list()).build();
        } catch (SQLException e) {
            throw DatabaseAccessException.from(target, "copy plan", e);
        }
    }

    /** A past copy's rate, for the same mode: wall time minus the pace's sleeps, where it copied enough rows to tell. */
    private java.util.Optional<Rate> lastJobRate(CopyMode mode) {
        return jobs.get().stream()
                .filter(j -> j.getKind() == JobKind.JOB_KIND_COPY && j.getState() == JobState.JOB_STATE_SUCCEEDED && j.getMode() == mode
                        && j.getRowsDone() >= LAST_JOB_MIN_ROWS && !j.getFinishedAt().isEmpty())
                .reduce((a, b) -> b)
                .map(j -> {
                    double seconds = Duration.between(Instant.parse(j.getCreatedAt()), Instant.parse(j.getFinishedAt())).toMillis() / 1000.0
                            - j.getChunksDone() * j.getPace().getSleepMs() / 1000.0;
                    return new Rate(Math.max(seconds, 0.001) / j.getRowsDone(), "the last copy job " + j.getId() + " (" + j.getRowsDone()
                            + " rows at " + Math.round(j.getRowsDone() / Math.max(seconds, 0.001)) + " rows/s)");
                });
    }

    private record Rate(double secondsPerRow, String source) {
    }

    /** The write probe on the copy's own connections: the same-instance copier's for INSERT..SELECT, else the target's. */
    private WriteProbe.Result probeWrites(boolean insertSelect, Tables tables, Connection src, Connection tgt, long lo, long hi) {
        if (!insertSelect) {
            return on(env.target(), () -> WriteProbe.run(tgt, src, tables, lo, hi, false));
        }
        Endpoint copier = env.sameInstanceCopier();
        try (Connection c = env.plain(copier)) {
            return on(copier, () -> WriteProbe.run(c, c, tables, lo, hi, true));
        } catch (SQLException e) {
            throw DatabaseAccessException.from(copier, "copy plan", e);
        }
    }

    /** Replica applier threads: replica_parallel_workers (MySQL 8.0.26+), slave_parallel_workers, slave_parallel_threads (MariaDB). */
    private int parallelWorkers(String endpoint) {
        try (Connection c = env.plain(env.endpoint(endpoint)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('replica_parallel_workers', 'slave_parallel_workers',"
                     + " 'slave_parallel_threads')")) {
            int workers = 0;
            while (rs.next()) {
                workers = Math.max(workers, rs.getInt(2));
            }
            return workers;
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * MySQL 8 caches information_schema's table statistics for a day (information_schema_stats_expiry): this session
     * reads them fresh. MariaDB has no such cache.
     */
    private static void freshStats(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION information_schema_stats_expiry = 0");
        } catch (SQLException mariaDb) {
            // No such variable: nothing cached.
        }
    }

    private static long countRows(Connection c, Tables tables, long first, long last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + tables.csmh() + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, first);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private interface Step<T> {
        T run() throws SQLException;
    }

    private static <T> T on(Endpoint endpoint, Step<T> step) {
        try {
            return step.run();
        } catch (SQLException e) {
            throw DatabaseAccessException.from(endpoint, "copy plan", e);
        }
    }
}
