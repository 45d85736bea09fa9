package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;

/**
 * What keeping and recounting the holes a copy passes costs: the same copy job (same instance, the seed's chunk
 * size, no pause) of an old table with a share of its ids empty (rolled-back inserts leave such holes), by this
 * build's agent and by an earlier build's (which keeps none), alternating on one server, each into a fresh CSMHE.
 * {@code bench/run.sh holes --baseline-jar OLD_AGENT_ALL_JAR [--rows 1000000] [--holes-pct 1] [--chunk 10000] [--reps 3]}.
 */
public final class HolesBenchmark {
    private HolesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        double holesPct = 1;
        int chunk = 10_000;
        int reps = 3;
        String baseline = null;
        Path out = Path.of("bench/results/holes.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--holes-pct" -> holesPct = Double.parseDouble(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--baseline-jar" -> baseline = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (baseline == null || !Files.isRegularFile(Path.of(baseline))) {
            throw new IllegalArgumentException("--baseline-jar: an earlier build's agent/target/csmh-agent-*-all.jar (git worktree add DIR COMMIT;"
                    + " mvn -q package -DskipTests there)");
        }
        Path work = Files.createTempDirectory("csmh-holes");
        try (DatabaseSandbox db = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("db"), 1024, List.of())) {
            var root = db.rootEndpoint();
            log("seeding %,d rows", rows);
            BenchData.seed(root, rows);
            long max = BenchData.maxId(root);
            // Every id whose hash falls in the share: spread over the whole range as rolled-back inserts are.
            BenchData.exec(root, "DELETE FROM " + BenchData.SRC + "." + TableNames.CSMH + " WHERE MOD(CRC32(id), 10000) < " + Math.round(holesPct * 100));
            long left = BenchData.queryLong(root, "SELECT COUNT(*) FROM " + BenchData.SRC + "." + TableNames.CSMH);
            log("%,d rows left over ids 1..%,d (%,d holes)", left, max, max - left);
            // The LMS's own account, as configuration's defaults make it the copy's: rights on both databases, no PROCESS,
            // so the copy cannot see open transactions and keeps the holes it passes.
            BenchData.exec(root, "CREATE USER IF NOT EXISTS 'bench_lms'@'%' IDENTIFIED BY 'bench-lms'",
                    "GRANT ALL PRIVILEGES ON " + BenchData.SRC + ".* TO 'bench_lms'@'%'", "GRANT ALL PRIVILEGES ON csmh_bench.* TO 'bench_lms'@'%'");
            StartCopyRequest copy = StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(chunk).setSleepMs(0).setMaxThreadsRunning(1000)).build();
            List<Double> ours = new ArrayList<>();
            List<Double> base = new ArrayList<>();
            String settle = "";
            long holeSpans = 0;
            try (BenchAgent now = new BenchAgent(work, "256m", db.port(), db.port(), System.getProperty("java.class.path"), "bench_lms", "bench-lms");
                 BenchAgent before = new BenchAgent(work, "256m", db.port(), db.port(), baseline, "bench_lms", "bench-lms")) {
                for (int r = 0; r < reps; r++) {
                    BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, max);
                    long t0 = System.nanoTime();
                    before.copy(copy, left);
                    base.add((System.nanoTime() - t0) / 1e9);
                    BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, max);
                    t0 = System.nanoTime();
                    Job j = now.copy(copy, left);
                    ours.add((System.nanoTime() - t0) / 1e9);
                    settle = j.getSettle();
                    holeSpans = j.getHolesCount();
                    log("rep %d: with holes kept %.2fs, without %.2fs (%d spans kept)", r + 1, ours.get(r), base.get(r), holeSpans);
                }
            }
            StringBuilder s = new StringBuilder("# Keeping and recounting the holes a copy passes\n\n");
            s.append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                    .append(" cores; MariaDB 10.11 sandbox, same instance, default write path, the copy as an account like the LMS's (no PROCESS, settle_seconds 0); ")
                    .append(String.format(Locale.ROOT, "%,d rows over ids 1..%,d (%.1f%% of the ids empty), %,d-id chunks, no pause", left, max,
                            100.0 * (max - left) / max, chunk))
                    .append("; medians of ").append(reps).append(" alternating reps, each into a fresh CSMHE. The build here kept ")
                    .append(holeSpans).append(" spans; its settle note: ").append(settle).append(".\n\n")
                    .append("| case | this build | earlier build | ratio | per-rep |\n|---|---:|---:|---:|---:|\n");
            BenchData.ratioRow(s, "copy job, holes kept and recounted vs none kept", ours, base);
            System.out.println(s);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, s.toString());
        }
    }

    private static void log(String fmt, Object... args) {
        System.err.println(String.format(Locale.ROOT, fmt, args));
    }
}
