package org.csmh.bench;

import java.io.IOException;
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
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;

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
    private static final String SRC = BenchData.SRC;
    private final DatabaseSandbox a;
    private final DatabaseSandbox b;
    private final Path work;
    private final String agentHeap;
    /** The copy's target writers; 0 leaves the agent's default. */
    private int writers;
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
        int writers = 0;
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
                case "--writers" -> writers = Integer.parseInt(args[++i]);
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
            bench.writers = writers;
            bench.crossChunk = crossChunk;
            bench.sameChunk = sameChunk;
            bench.crossOnly = crossOnly;
            bench.targetLabel = targetEngine.label() + " (local_infile " + localInfile(b) + ")";
            List<Result> results = new ArrayList<>();
            for (long n : sizes) {
                results.addAll(bench.run(n, reps));
            }
            String report = report(results, reps, heap, sameChunk, crossChunk, bench.targetLabel
                    + (writers > 0 ? "; copy writers " + writers : "; copy writers: the agent's default"));
            System.out.println(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
        }
    }

    private List<Result> run(long rows, int reps) throws Exception {
        log("seeding %,d rows", rows);
        BenchData.seed(a.rootEndpoint(), rows);
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
        Result cross = new Result(rows, "cross server", BenchData.median(oursCross), BenchData.median(baseCross), BenchData.median(floorCross), peakHeap, gcs,
                BenchData.spread(oursCross, baseCross));
        return crossOnly ? List.of(cross) : List.of(new Result(rows, "same instance", BenchData.median(oursSame), BenchData.median(baseSame), 0, 0, 0,
                BenchData.spread(oursSame, baseSame)), cross);
    }

    private double insertSelect(long rows) {
        BenchData.freshTarget(a.rootEndpoint(), "csmh_base", TableNames.CSMHE, rows);
        long t0 = System.nanoTime();
        BenchData.exec(a.rootEndpoint(), "INSERT INTO csmh_base." + TableNames.CSMHE + " (id, version, created, state, grade, max_grade, student_module_id) "
                + "SELECT id, version, created, state, grade, max_grade, student_module_id FROM " + SRC + "." + TableNames.CSMH);
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * What the target server alone needs to take the rows in: INSERT..SELECT on B from the table the dump just
     * filled into a fresh CSMHE. No client can copy across servers faster than this.
     */
    private double targetFloor(long rows) {
        BenchData.freshTarget(b.rootEndpoint(), "csmh_floor", TableNames.CSMHE, rows);
        long t0 = System.nanoTime();
        BenchData.exec(b.rootEndpoint(), "INSERT INTO csmh_floor." + TableNames.CSMHE + " (id, version, created, state, grade, max_grade, student_module_id) "
                + "SELECT id, version, created, state, grade, max_grade, student_module_id FROM csmh_dump." + TableNames.CSMH);
        double t = (System.nanoTime() - t0) / 1e9;
        BenchData.exec(b.rootEndpoint(), "DROP DATABASE csmh_floor");
        return t;
    }

    private double dumpPipe(long rows) throws Exception {
        // The dump lands in a table with CSMHE's definition under the old name; --complete-insert names the columns
        // because CSMHE orders them differently.
        BenchData.freshTarget(b.rootEndpoint(), "csmh_dump", TableNames.CSMH, rows);
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
        BenchData.freshTarget(target.rootEndpoint(), "csmh_bench", TableNames.CSMHE, rows);
        try (BenchAgent agent = new BenchAgent(work, agentHeap, a.port(), target.port())) {
            long t0 = System.nanoTime();
            StartCopyRequest.Builder request = StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(pace);
            if (writers > 0) {
                request.setWriters(writers);
            }
            agent.copy(request.build(), rows);
            double seconds = (System.nanoTime() - t0) / 1e9;
            log("  ours into :%d: %.2fs; cpu s: agent %.1f", target.port(), seconds, agent.cpuSeconds());
            agent.process.destroy();
            agent.process.waitFor();
            return new Run(seconds, GcLogHeap.read(agent.gcLog));
        }
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
