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
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;

/**
 * The copy across a link with latency, where edxapp hosts reach their database (often RDS): every connection to
 * either server goes through a {@link LatencyProxy} adding a one-way delay each way and capping bandwidth, the
 * baselines' as well as the agent's. Same instance: our copy vs the seed procedure's bash loop (one
 * {@code mysql -e 'INSERT..SELECT ... BETWEEN'} per chunk); cross server: our copy vs {@code mysqldump | mysql}; and
 * the LMS's insert latency (a probe through the same link, one row every 20 ms) during each.
 * {@code bench/run.sh latency [--rows 1000000] [--delays-ms 0.5,2] [--mbit 1000] [--chunk 10000]}.
 */
public final class LatencyBenchmark {
    private LatencyBenchmark() {
    }

    record Row(double delayMs, String kind, String label, double seconds, String probe, String path) {
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        List<Double> delays = List.of(0.5, 2.0);
        long mbit = 1000;
        int chunk = 10_000;
        Path out = Path.of("bench/results/latency.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--delays-ms" -> delays = java.util.Arrays.stream(args[++i].split(",")).map(Double::parseDouble).toList();
                case "--mbit" -> mbit = Long.parseLong(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-latency");
        List<Row> results = new ArrayList<>();
        try (DatabaseSandbox a = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("a"), 1024, List.of());
             DatabaseSandbox b = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("b"), 1024, List.of())) {
            log("seeding %,d rows", rows);
            BenchData.seed(a.rootEndpoint(), rows);
            long seeded = BenchData.queryLong(a.rootEndpoint(), "SELECT COUNT(*) FROM " + BenchData.SRC + "." + TableNames.CSMH);
            long maxId = BenchData.maxId(a.rootEndpoint());
            for (double d : delays) {
                long micros = Math.round(d * 1000);
                try (LatencyProxy pa = new LatencyProxy(a.port(), micros, mbit); LatencyProxy pb = new LatencyProxy(b.port(), micros, mbit)) {
                    Endpoint viaA = new Endpoint("a", "127.0.0.1", pa.port(), "root", "", null);
                    Endpoint viaB = new Endpoint("b", "127.0.0.1", pb.port(), "root", "", null);
                    log("%.1f ms each way: ping through the proxy %.2f ms", d, ping(viaA));
                    // Same instance: the seed's loop, then ours as it chooses, then ours with bulk statements.
                    BenchData.freshTarget(a.rootEndpoint(), "csmh_bench", TableNames.CSMHE, rows);
                    try (LmsImpactBenchmark.Probe p = new LmsImpactBenchmark.Probe(viaA, "csmh_bench")) {
                        double s = BenchShell.time("for ((lo=1; lo<=" + maxId + "; lo+=" + chunk + ")); do mysql -h127.0.0.1 -P" + pa.port() + " -uroot -e \""
                                + BenchData.insertSelectChunk("csmh_bench", -1, -2).replace("BETWEEN -1 AND -2", "BETWEEN $lo AND $((lo+" + (chunk - 1) + "))")
                                + "\"; done", work.resolve("loop.log"));
                        p.close();
                        results.add(new Row(d, "same", "the seed's bash loop (mysql -e INSERT..SELECT per chunk)", s, p.latencies().text(), "INSERT..SELECT"));
                    }
                    // AUTO keeps simple inserts here (the proxy is on this host); for a server on another host it takes the
                    // short INSERT..SELECT statements, run explicitly beside it.
                    for (CopyStatement statement : List.of(CopyStatement.COPY_STATEMENT_AUTO, CopyStatement.COPY_STATEMENT_SHORT_INSERT_SELECT,
                            CopyStatement.COPY_STATEMENT_BULK)) {
                        BenchData.freshTarget(a.rootEndpoint(), "csmh_bench", TableNames.CSMHE, rows);
                        results.add(ours(work, d, "same", pa.port(), pa.port(), viaA, statement, chunk, seeded));
                    }
                    // Cross server.
                    BenchData.exec(b.rootEndpoint(), "DROP DATABASE IF EXISTS csmh_dump", "CREATE DATABASE csmh_dump CHARACTER SET utf8",
                            org.csmh.agent.mysql.HistoryTables.createCsmh("csmh_dump"));
                    double dump = BenchShell.time("mysqldump --no-create-info --complete-insert --skip-lock-tables --single-transaction -h127.0.0.1 -P"
                            + pa.port() + " -uroot " + BenchData.SRC + " " + TableNames.CSMH + " | mysql -h127.0.0.1 -P" + pb.port() + " -uroot csmh_dump",
                            work.resolve("dump.log"));
                    results.add(new Row(d, "cross", "mysqldump | mysql", dump, "", "INSERT (mysqldump's extended inserts)"));
                    BenchData.freshTarget(b.rootEndpoint(), "csmh_bench", TableNames.CSMHE, rows);
                    results.add(ours(work, d, "cross", pa.port(), pb.port(), viaB, CopyStatement.COPY_STATEMENT_AUTO, chunk, seeded));
                }
                results.forEach(r -> { });
                log("%s", report(results, rows, mbit, chunk));
            }
        }
        String report = report(results, rows, mbit, chunk);
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
    }

    private static Row ours(Path work, double d, String kind, int sourcePort, int targetPort, Endpoint probeAt, CopyStatement statement, int chunk,
            long rows) throws Exception {
        try (BenchAgent agent = new BenchAgent(work, "256m", sourcePort, targetPort);
             LmsImpactBenchmark.Probe p = new LmsImpactBenchmark.Probe(probeAt, "csmh_bench")) {
            long t0 = System.nanoTime();
            Job job = agent.copy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setStatement(statement)
                    .setMode(kind.equals("same") ? CopyMode.COPY_MODE_SAME_INSTANCE : CopyMode.COPY_MODE_CROSS_SERVER)
                    .setPace(Pace.newBuilder().setChunkSize(chunk).setSleepMs(0)).build(), rows);
            double s = (System.nanoTime() - t0) / 1e9;
            p.close();
            String label = "csmh-agent copy, statement " + statement.name().substring("COPY_STATEMENT_".length()).toLowerCase(Locale.ROOT);
            log("  %.1f ms %s: %s %.2fs (%s), probe %s", d, kind, label, s, job.getWritePath(), p.latencies().text());
            return new Row(d, kind, label, s, p.latencies().text(), job.getWritePath().replaceAll(" \\(innodb_autoinc[^)]*\\)", ""));
        }
    }

    private static double ping(Endpoint e) throws Exception {
        try (var c = new org.csmh.agent.mysql.ConnectionFactory(5000).open(e); var st = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                st.executeQuery("SELECT 1").close();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                st.executeQuery("SELECT 1").close();
            }
            return (System.nanoTime() - t0) / 50 / 1e6;
        }
    }

    static String report(List<Row> rows, long n, long mbit, int chunk) {
        StringBuilder s = new StringBuilder("# The copy across a link with latency\n\nRun ").append(Instant.now()).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(String.format(Locale.ROOT, " cores; MariaDB 10.11 to MariaDB 10.11, %,d rows;", n))
                .append(" every connection (the agent's, the baselines', the probe's) through a TCP proxy adding the delay each way, ")
                .append(mbit).append(" Mbit/s each direction; chunks of ").append(chunk).append(" ids, no sleep; one run each.")
                .append(" Ratio: ours / the baseline of its kind (the seed's loop for same instance, mysqldump | mysql for cross server).\n\n")
                .append("| one-way delay | case | seconds | ratio | LMS insert probe during it | write path |\n|---:|---|---:|---:|---|---|\n");
        for (Row r : rows) {
            double base = rows.stream().filter(x -> x.delayMs() == r.delayMs() && x.kind().equals(r.kind()) && !x.label().startsWith("csmh-agent"))
                    .mapToDouble(Row::seconds).findFirst().orElse(Double.NaN);
            s.append(String.format(Locale.ROOT, "| %.1f ms | %s: %s | %.2f | %s | %s | %s |%n", r.delayMs(), r.kind().equals("same") ? "same instance" : "cross server",
                    r.label(), r.seconds(), r.label().startsWith("csmh-agent") ? String.format(Locale.ROOT, "%.2fx", r.seconds() / base) : "",
                    r.probe(), r.path()));
        }
        return s.toString();
    }

    private static void log(String format, Object... args) {
        System.err.printf("[%s] %s%n", Instant.now(), String.format(Locale.ROOT, format, args));
    }
}
