package org.csmh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.HistorySeeder;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.WatchJobRequest;

/**
 * Side-by-side copy benchmark on two throwaway MariaDB servers (A and B), each case run against its baseline in
 * alternation so both see the same machine state:
 * <ul>
 * <li>same instance (A to A): our chunked copy job vs one unchunked INSERT..SELECT;</li>
 * <li>cross server (A to B): our pipelined copy job vs {@code mysqldump --where | mysql};</li>
 * <li>the agent's heap (a separate JVM, sampled with jstat) at each table size.</li>
 * </ul>
 * {@code bench/run.sh [--rows 100000,1000000] [--reps 3]}; results go to stdout and bench/results/latest.md.
 */
public final class CopyBenchmark {
    private static final String SRC = "edxapp_bench";
    private final DatabaseSandbox a;
    private final DatabaseSandbox b;
    private final Path work;
    private final String agentHeap;
    private int crossChunk = 10_000;
    private int sameChunk = 20_000;
    private boolean crossOnly;
    private String targetLabel = "MariaDB 10.11";

    private CopyBenchmark(DatabaseSandbox a, DatabaseSandbox b, Path work, String agentHeap) {
        this.a = a;
        this.b = b;
        this.work = work;
        this.agentHeap = agentHeap;
    }

    /** The per-rep ratios' lowest and highest, as "0.55-0.61x". */
    private static String spread(List<Double> ours, List<Double> base) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int i = 0; i < ours.size(); i++) {
            double r = ours.get(i) / base.get(i);
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        return String.format(Locale.ROOT, "%.2f-%.2fx", lo, hi);
    }

    record Result(long rows, String kind, double ours, double baseline, double floor, long peakHeapMb, long gcs, String spread) {
        double ratio() {
            return ours / baseline;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Long> sizes = List.of(100_000L, 1_000_000L);
        int reps = 3;
        String heap = "256m";
        int bufferPoolMb = 1024;
        int crossChunk = 10_000;
        int sameChunk = 20_000;
        SandboxEngine targetEngine = SandboxEngine.MARIADB_10_11;
        String targetLocalInfile = "default";
        boolean crossOnly = false;
        Path out = Path.of("bench/results/latest.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> sizes = java.util.Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--agent-heap" -> heap = args[++i];
                case "--buffer-pool-mb" -> bufferPoolMb = Integer.parseInt(args[++i]);
                case "--cross-chunk" -> crossChunk = Integer.parseInt(args[++i]);
                case "--same-chunk" -> sameChunk = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--target-engine" -> targetEngine = SandboxEngine.parse(args[++i]);
                case "--target-local-infile" -> targetLocalInfile = args[++i];
                case "--cross-only" -> crossOnly = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-bench-");
        // Target B: any engine at its defaults (MySQL 8: local_infile OFF, so our copy writes INSERTs), or with
        // local_infile set explicitly to compare both write paths on the same engine.
        List<String> targetArgs = switch (targetLocalInfile) {
            case "on" -> List.of("--local-infile=1");
            case "off" -> List.of("--local-infile=0");
            case "default" -> List.of();
            default -> throw new IllegalArgumentException("--target-local-infile: on, off or default");
        };
        try (DatabaseSandbox a = DatabaseSandbox.start(work.resolve("db"), bufferPoolMb);
             DatabaseSandbox b = DatabaseSandbox.start(targetEngine, work.resolve("db"), bufferPoolMb, targetArgs)) {
            CopyBenchmark bench = new CopyBenchmark(a, b, work, heap);
            bench.crossChunk = crossChunk;
            bench.sameChunk = sameChunk;
            bench.crossOnly = crossOnly;
            bench.targetLabel = targetEngine.label() + " (local_infile " + localInfile(b) + ")";
            List<Result> results = new ArrayList<>();
            for (long n : sizes) {
                results.addAll(bench.run(n, reps));
            }
            String report = report(results, reps, heap, sameChunk, crossChunk, bench.targetLabel);
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
        }
    }

    private List<Result> run(long rows, int reps) throws Exception {
        log("seeding %,d rows", rows);
        seed(rows);
        List<Double> oursSame = new ArrayList<>();
        List<Double> baseSame = new ArrayList<>();
        List<Double> oursCross = new ArrayList<>();
        List<Double> baseCross = new ArrayList<>();
        List<Double> floorCross = new ArrayList<>();
        long peakHeap = 0;
        long gcs = 0;
        for (int r = 0; r < reps; r++) {
            if (!crossOnly) {
                baseSame.add(insertSelect(rows));
                oursSame.add(ours(rows, a, Pace.newBuilder().setChunkSize(sameChunk).setSleepMs(0).build()).seconds);
            }
            baseCross.add(dumpPipe(rows));
            floorCross.add(targetFloor(rows));
            Run cross = ours(rows, b, Pace.newBuilder().setChunkSize(crossChunk).setSleepMs(0).build());
            oursCross.add(cross.seconds);
            peakHeap = Math.max(peakHeap, cross.heap.peakAfterGcMb());
            gcs += cross.heap.collections();
            log("rep %d: same %.2fs vs INSERT..SELECT %.2fs; cross %.2fs vs mysqldump|mysql %.2fs", r + 1,
                    crossOnly ? 0 : oursSame.get(r), crossOnly ? 0 : baseSame.get(r), oursCross.get(r), baseCross.get(r));
        }
        Result cross = new Result(rows, "cross server", median(oursCross), median(baseCross), median(floorCross), peakHeap, gcs,
                spread(oursCross, baseCross));
        return crossOnly ? List.of(cross) : List.of(new Result(rows, "same instance", median(oursSame), median(baseSame), 0, 0, 0,
                spread(oursSame, baseSame)), cross);
    }

    private void seed(long rows) throws Exception {
        Endpoint root = a.rootEndpoint();
        exec(root, "DROP DATABASE IF EXISTS " + SRC);
        long base = Math.min(rows, 20_000);
        HistorySeeder.seed(root, SRC, base, null);
        // Doubling keeps seeding minutes-fast at millions of rows; states repeat, ids do not.
        String t = SRC + "." + TableNames.CSMH;
        long have = base;
        while (have < rows) {
            long take = Math.min(have, rows - have);
            exec(root, "INSERT INTO " + t + " (version, created, state, grade, max_grade, student_module_id) SELECT version, created, state, "
                    + "grade, max_grade, student_module_id FROM " + t + " ORDER BY id LIMIT " + take);
            have += take;
        }
        exec(root, "ANALYZE TABLE " + t);
    }

    private void freshTarget(Endpoint server, String db, String table, long rows) {
        exec(server, "DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db + " CHARACTER SET utf8", HistoryTables.createCsmhe(db),
                "ALTER TABLE " + db + "." + TableNames.CSMHE + " AUTO_INCREMENT = " + (rows * 2 + 10_000));
        if (!table.equals(TableNames.CSMHE)) {
            exec(server, "RENAME TABLE " + db + "." + TableNames.CSMHE + " TO " + db + "." + table);
        }
    }

    private double insertSelect(long rows) {
        freshTarget(a.rootEndpoint(), "csmh_base", TableNames.CSMHE, rows);
        long t0 = System.nanoTime();
        exec(a.rootEndpoint(), "INSERT INTO csmh_base." + TableNames.CSMHE + " (id, version, created, state, grade, max_grade, student_module_id) "
                + "SELECT id, version, created, state, grade, max_grade, student_module_id FROM " + SRC + "." + TableNames.CSMH);
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * What the target server alone needs to take the rows in: INSERT..SELECT on B from the table the dump just
     * filled into a fresh CSMHE. No client can copy across servers faster than this.
     */
    private double targetFloor(long rows) {
        freshTarget(b.rootEndpoint(), "csmh_floor", TableNames.CSMHE, rows);
        long t0 = System.nanoTime();
        exec(b.rootEndpoint(), "INSERT INTO csmh_floor." + TableNames.CSMHE + " (id, version, created, state, grade, max_grade, student_module_id) "
                + "SELECT id, version, created, state, grade, max_grade, student_module_id FROM csmh_dump." + TableNames.CSMH);
        double t = (System.nanoTime() - t0) / 1e9;
        exec(b.rootEndpoint(), "DROP DATABASE csmh_floor");
        return t;
    }

    private double dumpPipe(long rows) throws Exception {
        // The dump lands in a table with CSMHE's definition under the old name; --complete-insert names the columns
        // because CSMHE orders them differently.
        freshTarget(b.rootEndpoint(), "csmh_dump", TableNames.CSMH, rows);
        String cmd = "set -o pipefail; mysqldump --no-create-info --complete-insert --skip-lock-tables --single-transaction --where='id BETWEEN 1 AND "
                + rows + "' -h127.0.0.1 -P" + a.port() + " -uroot " + SRC + " " + TableNames.CSMH + " | mysql -h127.0.0.1 -P" + b.port()
                + " -uroot csmh_dump";
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).redirectOutput(work.resolve("dump.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("mysqldump | mysql failed: " + Files.readString(work.resolve("dump.log")));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private record Run(double seconds, GcLogHeap.Peak heap) {
    }

    /** Our copy job into {@code target}, with the agent as its own JVM so its heap can be measured. */
    private Run ours(long rows, DatabaseSandbox target, Pace pace) throws Exception {
        freshTarget(target.rootEndpoint(), "csmh_bench", TableNames.CSMHE, rows);
        Path dir = Files.createTempDirectory(work, "agent-");
        Files.writeString(dir.resolve("lms.yml"), """
                DATABASES:
                    default:
                        ENGINE: django.db.backends.mysql
                        HOST: 127.0.0.1
                        NAME: %s
                        PASSWORD: ''
                        PORT: '%d'
                        USER: root
                    student_module_history:
                        ENGINE: django.db.backends.mysql
                        HOST: 127.0.0.1
                        NAME: csmh_bench
                        PASSWORD: ''
                        PORT: '%d'
                        USER: root
                """.formatted(SRC, a.port(), target.port()));
        Files.writeString(dir.resolve("agent.yml"), "listen: unix:agent.sock\nlms_yml: lms.yml\nstate_dir: state\n");
        Path gcLog = dir.resolve("gc.log");
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + agentHeap,
                GcLogHeap.jvmFlag(gcLog),
                "-cp", System.getProperty("java.class.path"), "org.csmh.agent.AgentMain", "--config", dir.resolve("agent.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        try (CsmhClient client = CsmhClient.connect("unix:" + dir.resolve("agent.sock"), 600_000)) {
            awaitUp(client);
            // In production the agent is already running when a copy starts: warm its database and gRPC paths first,
            // so the timing is the copy's and not the JVM's first minute.
            client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance());
            long t0 = System.nanoTime();
            Job job = client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(pace).build());
            Job last = job;
            Iterator<Job> events = client.watch(WatchJobRequest.newBuilder().setId(job.getId()).build());
            while (events.hasNext()) {
                last = events.next();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            log("  ours into :%d: %.2fs; cpu s: agent %.1f", target.port(), seconds,
                    agent.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0));
            if (last.getState() != JobState.JOB_STATE_SUCCEEDED || last.getRowsDone() != rows) {
                throw new IllegalStateException("copy did not complete: " + last + "\n" + Files.readString(dir.resolve("agent.log")));
            }
            agent.destroy();
            agent.waitFor();
            return new Run(seconds, GcLogHeap.read(gcLog));
        } finally {
            agent.destroy();
            agent.waitFor();
        }
    }

    private static void awaitUp(CsmhClient client) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                client.listJobs();
                return;
            } catch (RuntimeException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("agent did not start");
    }

    private static void exec(Endpoint e, String... sql) {
        try (var c = new org.csmh.agent.mysql.ConnectionFactory(5000).open(e); var st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (java.sql.SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    private static String report(List<Result> results, int reps, String heap, int sameChunk, int crossChunk, String target) {
        StringBuilder s = new StringBuilder("# Copy benchmark\n\n");
        s.append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; source: sandbox MariaDB 10.11, target: sandbox ").append(target).append(", both on this machine; median of ")
                .append(reps)
                .append(" alternating runs; agent in its own JVM with -Xmx").append(heap)
                .append(", warmed by one GetStatus call; our time runs from StartCopy to the job's last snapshot. Chunks: ")
                .append(sameChunk).append(" ids same instance, ").append(crossChunk).append(" cross server, no sleep.\n\n");
        s.append("The target-server floor is B copying the same rows from a local table (INSERT..SELECT): the time the target\n")
                .append("server itself needs to take the rows in, which no cross-server copy can beat.\n\n");
        s.append("| rows | case | ours (s) | baseline (s) | ratio | per-rep ratios | target | target-server floor (s) | agent heap after GC, peak (MiB) | agent GCs |\n");
        s.append("|---:|---|---:|---:|---:|---|---|---:|---:|---:|\n");
        for (Result r : results) {
            boolean same = r.kind().equals("same instance");
            s.append(String.format(Locale.ROOT, "| %,d | %s vs %s | %.2f | %.2f | %.2fx | %s | %s | %s | %s | %s |%n", r.rows(), r.kind(),
                    same ? "one INSERT..SELECT" : "mysqldump --where \\| mysql", r.ours(), r.baseline(), r.ratio(), r.spread(),
                    same ? "<= 1.10x " + (r.ratio() <= 1.10 ? "met" : "MISSED") : target.contains("local_infile OFF")
                            ? "<= 1.00x " + (r.ratio() <= 1.00 ? "met" : "MISSED") : "<= 0.67x " + (r.ratio() <= 0.67 ? "met" : "MISSED"),
                    same ? "" : String.format(Locale.ROOT, "%.2f (%.2fx)", r.floor(), r.floor() / r.baseline()),
                    same ? "" : Long.toString(r.peakHeapMb()),
                    same ? "" : Long.toString(r.gcs())));
        }
        return s.toString();
    }

    private static String localInfile(DatabaseSandbox server) throws java.sql.SQLException {
        try (java.sql.Connection c = new org.csmh.agent.mysql.ConnectionFactory(5000).open(server.rootEndpoint())) {
            return new org.csmh.agent.mysql.Inspector(c).localInfile() ? "ON" : "OFF";
        }
    }

    private static void log(String fmt, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, fmt, args));
    }
}
