package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyPlan;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PlanCopyRequest;
import org.csmh.proto.v1.StartCopyRequest;

/**
 * The capacity plan against what the copy then did: for each engine, size and mode, PlanCopy, then the same copy,
 * then its duration, CSMHE's file growth and the binary log it wrote (SHOW BINARY LOGS before and after) beside the
 * plan's figures. Also prints each figure's implied factor (actual / the plan's figure x the factor it used), which
 * is how CostModel's factors were measured: calibrate on one size, check on others.
 * {@code bench/run.sh plan-accuracy [--rows 1000000,5000000] [--engines mariadb-10.11,mysql-8.0] [--modes same,cross]}.
 */
public final class PlanAccuracyBenchmark {
    private PlanAccuracyBenchmark() {
    }

    record Row(String engine, String mode, long rows, CopyPlan plan, double seconds, long bytes, long binlog, String writePath) {
    }

    public static void main(String[] args) throws Exception {
        List<Long> sizes = List.of(1_000_000L, 5_000_000L);
        List<SandboxEngine> engines = List.of(SandboxEngine.MARIADB_10_11, SandboxEngine.MYSQL_8_0);
        List<String> modes = List.of("same", "cross");
        List<String> statements = List.of("auto");
        Path out = Path.of("bench/results/plan-accuracy.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--engines" -> engines = java.util.Arrays.stream(args[++i].split(",")).map(SandboxEngine::parse).toList();
                case "--modes" -> modes = List.of(args[++i].split(","));
                case "--statements" -> statements = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-plan");
        List<Row> rows = new ArrayList<>();
        for (SandboxEngine engine : engines) {
            try (DatabaseSandbox a = DatabaseSandbox.start(engine, work.resolve("a-" + engine.name().toLowerCase()), 1024, List.of("--log-bin", "--server-id=1"));
                 DatabaseSandbox b = DatabaseSandbox.start(engine, work.resolve("b-" + engine.name().toLowerCase()), 1024, List.of("--log-bin", "--server-id=2"))) {
                for (long n : sizes) {
                    log("%s: seeding %,d rows", engine.label(), n);
                    BenchData.seed(a.rootEndpoint(), n);
                    for (String mode : modes) {
                        for (String statement : statements) {
                            DatabaseSandbox target = mode.equals("same") ? a : b;
                            rows.add(run(work, engine, mode, statement, a, target, n));
                            log("%s", line(rows.get(rows.size() - 1)));
                        }
                    }
                }
            }
        }
        String report = report(rows);
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
    }

    private static Row run(Path work, SandboxEngine engine, String mode, String statement, DatabaseSandbox source, DatabaseSandbox target, long n) throws Exception {
        Endpoint t = target.rootEndpoint();
        BenchData.freshTarget(t, "csmh_bench", TableNames.CSMHE, n);
        long seeded = BenchData.queryLong(source.rootEndpoint(), "SELECT COUNT(*) FROM " + BenchData.SRC + "." + TableNames.CSMH);
        StartCopyRequest copy = StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                .setMode(mode.equals("same") ? CopyMode.COPY_MODE_SAME_INSTANCE : CopyMode.COPY_MODE_CROSS_SERVER)
                .setStatement(statement.equals("bulk") ? org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_BULK : org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_AUTO)
                .setPace(Pace.newBuilder().setSleepMs(0)).build();
        try (BenchAgent agent = new BenchAgent(work, "256m", source.port(), target.port())) {
            CopyPlan plan = agent.client.planCopy(PlanCopyRequest.newBuilder().setCopy(copy).build());
            long binlogBefore = binlogBytes(t);
            long fileBefore = ibdBytes(t);
            long t0 = System.nanoTime();
            Job job = agent.copy(copy, seeded);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long binlog = binlogBytes(t) - binlogBefore;
            long bytes = ibdBytes(t) - fileBefore;
            // The path without the reasons in parentheses: the table stays readable.
            return new Row(engine.label(), mode, seeded, plan, seconds, bytes, binlog, job.getWritePath().replaceAll(" \\([^()]*\\)", ""));
        }
    }

    /** Every binary log's size summed: what the server keeps on disk for them. */
    static long binlogBytes(Endpoint e) {
        long sum = 0;
        try (var c = new org.csmh.agent.mysql.ConnectionFactory(5000).open(e); var st = c.createStatement();
             var rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                sum += rs.getLong(2);
            }
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
        return sum;
    }

    /** CSMHE's tablespace file, the bytes the copy takes on the target's disk. */
    static long ibdBytes(Endpoint e) throws Exception {
        String datadir;
        try (var c = new org.csmh.agent.mysql.ConnectionFactory(5000).open(e); var st = c.createStatement(); var rs = st.executeQuery("SELECT @@datadir")) {
            rs.next();
            datadir = rs.getString(1);
        }
        return Files.size(Path.of(datadir, "csmh_bench", TableNames.CSMHE + ".ibd"));
    }

    private static String line(Row r) {
        return String.format(Locale.ROOT, "%s %s %,d rows: time %.1f s (plan %d s), bytes %,d (plan %,d), binlog %,d (plan %,d) [%s]", r.engine(), r.mode(),
                r.rows(), r.seconds(), r.plan().getWorkSeconds(), r.bytes(), r.plan().getTargetBytesAdded(), r.binlog(), r.plan().getBinlogBytes(),
                r.writePath());
    }

    static String report(List<Row> rows) {
        StringBuilder s = new StringBuilder("# Capacity plan vs the copy it planned\n\nRun ").append(Instant.now()).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; sandboxes on this machine with the binary log on")
                .append(" (each engine's default binlog_format); PlanCopy, then the same copy (sleep_ms 0, growth check 0, the agent's other defaults)")
                .append(" through an agent in its own JVM. Time: StartCopy to the job's end; bytes: CSMHE's .ibd file growth; binlog: SHOW BINARY LOGS")
                .append(" on CSMHE's server, after minus before. Error = plan / actual - 1; the implied factor is what CostModel's factor would")
                .append(" have to be for the plan to match exactly.\n\n")
                .append("| engine | mode | rows | write path | time: plan / actual (s) | error | bytes: plan / actual (MiB) | error | binlog: plan / actual (MiB) | error |")
                .append(" implied time (probed; read only) / bytes / binlog factors |\n|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            CopyPlan p = r.plan();
            double read = 1 / p.getSampledRowsPerSecond();
            double write = p.getProbedWriteRowsPerSecond() == 0 ? Double.NaN : 1 / p.getProbedWriteRowsPerSecond();
            double basis = r.writePath().startsWith("INSERT..SELECT") ? write : read + write;
            double timeFactor = r.seconds() / p.getRows() / basis;
            double readOnly = r.seconds() / p.getRows() / read;
            double oldPerRow = (double) (p.getOldTableDataBytes() + p.getOldTableIndexBytes()) / p.getRows();
            s.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %d / %.1f | %s | %.0f / %.0f | %s | %.0f / %.0f | %s | %.2f; %.2f / %.2f / %.2f |%n",
                    r.engine(), r.mode(), r.rows(), r.writePath(), p.getWorkSeconds(), r.seconds(), error(p.getWorkSeconds(), r.seconds()),
                    p.getTargetBytesAdded() / 1048576.0, r.bytes() / 1048576.0, error(p.getTargetBytesAdded(), r.bytes()),
                    p.getBinlogBytes() / 1048576.0, r.binlog() / 1048576.0, error(p.getBinlogBytes(), r.binlog()),
                    timeFactor, readOnly, r.bytes() / (oldPerRow * p.getRows()), r.binlog() / (p.getSamplePayloadBytesPerRow() * p.getRows())));
        }
        return s.toString();
    }

    private static String error(double plan, double actual) {
        return actual == 0 ? (plan == 0 ? "0%" : "n/a") : String.format(Locale.ROOT, "%+.0f%%", (plan / actual - 1) * 100);
    }

    private static void log(String format, Object... args) {
        System.err.printf("[%s] %s%n", Instant.now(), String.format(Locale.ROOT, format, args));
    }
}
