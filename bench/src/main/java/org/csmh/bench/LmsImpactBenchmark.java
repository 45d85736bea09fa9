package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;

/**
 * What a copy does to the LMS: a probe inserts one history row into CSMHE every 20 ms (as the LMS does, letting
 * AUTO_INCREMENT pick the id) and times each insert, idle and while a same-instance copy runs, per
 * innodb_autoinc_lock_mode. The copies: the agent's (which picks its statement from the lock mode), and the seed
 * procedure's INSERT..SELECT loop over the same chunks (the statement the agent used before under every mode).
 * {@code bench/run.sh lms-impact [--rows 1000000] [--chunk 10000] [--modes 1,2] [--writers 1,2] [--short 250,500] [--out FILE]}:
 * {@code --writers} runs the mode-1 copy once per writer count (default: the agent's own), {@code --short} adds the
 * seed loop cut into statements of that many ids (a bound on how long each holds the AUTO-INC lock).
 */
public final class LmsImpactBenchmark {
    private static final long PROBE_EVERY_MS = 20;

    record Latencies(List<Double> ms) {
        double pct(double p) {
            List<Double> s = new ArrayList<>(ms);
            Collections.sort(s);
            return s.isEmpty() ? Double.NaN : s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100 * s.size()) - 1));
        }

        String text() {
            return String.format(Locale.ROOT, "p50 %.1f / p99 %.1f / max %.1f ms (n=%d)", pct(50), pct(99), pct(100), ms.size());
        }
    }

    /** Inserts a row every 20 ms until stopped; each insert's time in ms. */
    static final class Probe implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Double> ms = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        Probe(Endpoint server, String db) {
            thread = new Thread(() -> {
                try (Connection c = new ConnectionFactory(5000).open(server);
                     PreparedStatement ps = c.prepareStatement("INSERT INTO " + db + "." + TableNames.CSMHE
                             + " (version, created, state, grade, max_grade, student_module_id) VALUES (NULL, NOW(6), '{\"probe\": 1}', 1, 1, 1)")) {
                    long next = System.nanoTime();
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        ps.executeUpdate();
                        ms.add((System.nanoTime() - t0) / 1e6);
                        next += PROBE_EVERY_MS * 1_000_000;
                        long sleep = (next - System.nanoTime()) / 1_000_000;
                        if (sleep > 0) {
                            Thread.sleep(sleep);
                        } else {
                            next = System.nanoTime();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "lms-probe");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }

        Latencies latencies() {
            return new Latencies(List.copyOf(ms));
        }
    }

    record Row(int mode, String copy, double seconds, Latencies during, String writePath) {
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int chunk = 10_000;
        List<Integer> modes = List.of(1, 2);
        List<Integer> shortStatements = List.of();
        List<Integer> writers = List.of(0);
        Path out = Path.of("bench/results/lms-impact.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--modes" -> modes = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--out" -> out = Path.of(args[++i]);
                case "--writers" -> writers = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--short" -> shortStatements = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-lms-impact");
        List<Row> results = new ArrayList<>();
        List<String> idle = new ArrayList<>();
        for (int mode : modes) {
            try (DatabaseSandbox db = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("db"), 1024,
                    List.of("--innodb-autoinc-lock-mode=" + mode))) {
                Endpoint root = db.rootEndpoint();
                log("lock mode %d: seeding %,d rows", mode, rows);
                BenchData.seed(root, rows);
                BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, rows);
                try (Probe p = new Probe(root, "csmh_bench")) {
                    Thread.sleep(10_000);
                    p.close();
                    idle.add("| " + mode + " | " + p.latencies().text() + " |");
                    log("  idle: %s", p.latencies().text());
                }
                // The seed procedure's loop: INSERT..SELECT per chunk, what the agent ran under every lock mode before.
                BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, rows);
                try (Probe p = new Probe(root, "csmh_bench"); Connection c = new ConnectionFactory(5000).open(root);
                     Statement st = c.createStatement()) {
                    long t0 = System.nanoTime();
                    long maxId = BenchData.maxId(root);
                    for (long lo = 1; lo <= maxId; lo += chunk) {
                        st.execute(BenchData.insertSelectChunk("csmh_bench", lo, Math.min(maxId, lo + chunk - 1)));
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    p.close();
                    results.add(new Row(mode, "INSERT..SELECT loop", s, p.latencies(), "INSERT..SELECT per chunk"));
                    log("  INSERT..SELECT loop %.2fs, probe %s", s, p.latencies().text());
                }
                for (int step : shortStatements) {
                    BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, rows);
                    try (Probe p = new Probe(root, "csmh_bench"); Connection c = new ConnectionFactory(5000).open(root);
                         Statement st = c.createStatement()) {
                        c.setAutoCommit(false);
                        long t0 = System.nanoTime();
                        long maxId = BenchData.maxId(root);
                        for (long lo = 1; lo <= maxId; lo += chunk) {
                            long hi = Math.min(maxId, lo + chunk - 1);
                            for (long a = lo; a <= hi; a += step) {
                                st.execute(BenchData.insertSelectChunk("csmh_bench", a, Math.min(hi, a + step - 1)));
                            }
                            c.commit();
                        }
                        double s = (System.nanoTime() - t0) / 1e9;
                        p.close();
                        results.add(new Row(mode, "INSERT..SELECT loop, " + step + "-id statements", s, p.latencies(), "INSERT..SELECT per " + step + " ids"));
                        log("  INSERT..SELECT %d-id statements %.2fs, probe %s", step, s, p.latencies().text());
                    }
                }
                // The agent's copy as it chooses (auto), and with the bulk statement it used under every mode before.
                // Under mode 1 auto writes simple inserts, where the writer count matters: each count asked for is a row.
                List<int[]> runs = new ArrayList<>();
                for (int w : mode == 1 ? writers : List.of(0)) {
                    runs.add(new int[] {CopyStatement.COPY_STATEMENT_AUTO_VALUE, w});
                }
                runs.add(new int[] {CopyStatement.COPY_STATEMENT_BULK_VALUE, 0});
                for (int[] run : runs) {
                    CopyStatement statement = CopyStatement.forNumber(run[0]);
                    BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, rows);
                    try (BenchAgent agent = new BenchAgent(work, "256m", db.port(), db.port()); Probe p = new Probe(root, "csmh_bench")) {
                        long t0 = System.nanoTime();
                        StartCopyRequest.Builder request = StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setStatement(statement)
                                .setPace(Pace.newBuilder().setChunkSize(chunk).setSleepMs(0));
                        if (run[1] > 0) {
                            request.setWriters(run[1]);
                        }
                        Job job = agent.copy(request.build(), rows);
                        double s = (System.nanoTime() - t0) / 1e9;
                        p.close();
                        String label = "csmh-agent copy, statement " + statement.name().substring("COPY_STATEMENT_".length()).toLowerCase(Locale.ROOT)
                                + (run[1] > 0 ? ", " + run[1] + " writer" + (run[1] == 1 ? "" : "s") : "");
                        results.add(new Row(mode, label, s, p.latencies(), job.getWritePath().replaceAll(" \\(innodb_autoinc[^)]*\\)", "")));
                        log("  %s %.2fs (%s), probe %s; agent cpu %.1f s", label, s, job.getWritePath(), p.latencies().text(), agent.cpuSeconds());
                    }
                }
            }
        }
        StringBuilder r = new StringBuilder("# LMS inserts during a copy, per innodb_autoinc_lock_mode\n\n");
        r.append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; MariaDB 10.11 sandbox (same instance), ").append(String.format(Locale.ROOT, "%,d", rows))
                .append(" rows, chunks of ").append(chunk).append(" ids, no sleep; a probe inserts one row into CSMHE every ")
                .append(PROBE_EVERY_MS).append(" ms.\n\n| lock mode | idle probe |\n|---|---|\n");
        idle.forEach(l -> r.append(l).append('\n'));
        r.append("\n| lock mode | copy | seconds | probe during the copy | write path |\n|---|---|---:|---|---|\n");
        for (Row row : results) {
            r.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %s | %s |%n", row.mode(), row.copy(), row.seconds(), row.during().text(),
                    row.writePath()));
        }
        System.out.println(r);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, r.toString());
    }

    private static void log(String fmt, Object... args) {
        System.err.println(String.format(Locale.ROOT, fmt, args));
    }
}
