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

/**
 * The fixed and per-chunk costs an operator pays, end to end as a shell sees them: {@code bin/csmhctl copy} (a JVM
 * start, the call, the job, following it to its end) against the agent already running, side by side with what it
 * replaces: one {@code mysql -e 'INSERT..SELECT'} of the same rows (small table), and the seed procedure's bash
 * loop of one {@code mysql -e 'INSERT..SELECT ... BETWEEN'} per chunk (large table), at the same chunk size.
 * {@code bench/run.sh fixed-costs [--rows 1000000] [--small 20000] [--chunk 10000] [--reps 3] [--lock-mode 1|2]}.
 */
public final class FixedCostBenchmark {
    /** Untimed copies of the small table that warm the agent's copy path before the reps. */
    private static final int WARM_UP_COPIES = 5;
    private final DatabaseSandbox db;
    private final Path work;
    private final String csmhctl;
    /** The copy's --statement (auto, bulk, simple-inserts). */
    private final String statement;

    private FixedCostBenchmark(DatabaseSandbox db, Path work, String csmhctl, String statement) {
        this.statement = statement;
        this.db = db;
        this.work = work;
        this.csmhctl = csmhctl;
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        long small = 20_000;
        int chunk = 10_000;
        int reps = 3;
        String lockMode = null;
        String statement = "auto";
        Path out = Path.of("bench/results/fixed-costs.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--small" -> small = Long.parseLong(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--lock-mode" -> lockMode = args[++i];
                case "--statement" -> statement = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-fixed-costs");
        List<String> serverArgs = lockMode == null ? List.of() : List.of("--innodb-autoinc-lock-mode=" + lockMode);
        try (DatabaseSandbox db = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("db"), 1024, serverArgs)) {
            FixedCostBenchmark b = new FixedCostBenchmark(db, work, Path.of("bin/csmhctl").toAbsolutePath().toString(), statement);
            log("seeding %,d rows", rows);
            BenchData.seed(db.rootEndpoint(), rows);
            List<Double> smallOurs = new ArrayList<>();
            List<Double> smallBase = new ArrayList<>();
            List<Double> bigOurs = new ArrayList<>();
            List<Double> bigLoop = new ArrayList<>();
            List<Double> bigOne = new ArrayList<>();
            String path;
            try (BenchAgent agent = new BenchAgent(work, "256m", db.port(), db.port())) {
                // An agent in production has been running for days, its copy path compiled: untimed small copies
                // first, or the first reps time its JIT (a copy's start phase took 137, 64, 53, 42 then 24 ms).
                String smallCopy = b.csmhctl + " --agent " + agent.target() + " copy --statement " + b.statement + " --growth-check-seconds 0 --range-end "
                        + small + " --chunk-size " + chunk + " --sleep-ms 0 --json > /dev/null";
                for (int w = 0; w < WARM_UP_COPIES; w++) {
                    b.shell(smallCopy, rows);
                }
                for (int r = 0; r < reps; r++) {
                    smallBase.add(b.shell("mysql -h127.0.0.1 -P" + db.port() + " -uroot -e \"" + BenchData.insertSelectChunk("csmh_bench", 1, small)
                            + "\"", rows));
                    smallOurs.add(b.shell(smallCopy, rows));
                    bigLoop.add(b.shell("for ((lo=1; lo<=" + BenchData.maxId(db.rootEndpoint()) + "; lo+=" + chunk + ")); do mysql -h127.0.0.1 -P" + db.port() + " -uroot -e \""
                            + BenchData.insertSelectChunk("csmh_bench", -1, -2).replace("BETWEEN -1 AND -2", "BETWEEN $lo AND $((lo+" + (chunk - 1) + "))")
                            + "\"; done", rows));
                    bigOne.add(b.shell("mysql -h127.0.0.1 -P" + db.port() + " -uroot -e \"" + BenchData.insertSelectChunk("csmh_bench", 1, rows)
                            + "\"", rows));
                    bigOurs.add(b.shell(b.csmhctl + " --agent " + agent.target() + " copy --statement " + b.statement + " --growth-check-seconds 0 --chunk-size " + chunk
                            + " --sleep-ms 0 --json > /dev/null", rows));
                    log("rep %d: %,d rows: csmhctl copy %.2fs vs one INSERT..SELECT %.2fs; %,d rows: csmhctl copy %.2fs vs seed loop %.2fs"
                            + " vs one INSERT..SELECT %.2fs", r + 1, small, smallOurs.get(r), smallBase.get(r), rows, bigOurs.get(r), bigLoop.get(r),
                            bigOne.get(r));
                }
                path = agent.client.listJobs().getJobsList().stream().reduce((x, y) -> y).map(j -> j.getWritePath()).orElse("");
            }
            StringBuilder s = new StringBuilder("# Fixed and per-chunk costs, end to end\n\n");
            s.append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                    .append(" cores; MariaDB 10.11 sandbox (innodb_autoinc_lock_mode ").append(lockMode == null ? "default" : lockMode)
                    .append("), same instance, csmhctl copy --statement ").append(statement).append(", medians of ").append(reps).append(" alternating reps; the agent already running, warmed by ").append(WARM_UP_COPIES).append(" untimed copies of the small table; ")
                    .append("the agent's write path: ").append(path).append(".\n\n")
                    .append("| case | csmhctl copy | baseline | ratio | per-rep |\n|---|---:|---:|---:|---:|\n");
            BenchData.ratioRow(s, String.format(Locale.ROOT, "%,d rows: csmhctl copy vs one `mysql -e INSERT..SELECT`", small), smallOurs, smallBase);
            BenchData.ratioRow(s, String.format(Locale.ROOT, "%,d rows, %,d-id chunks: csmhctl copy vs the seed's bash loop", rows, chunk), bigOurs, bigLoop);
            BenchData.ratioRow(s, String.format(Locale.ROOT, "%,d rows: csmhctl copy vs one `mysql -e INSERT..SELECT`", rows), bigOurs, bigOne);
            System.out.println(s);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, s.toString());
        }
    }

    /** Runs a bash command line against a fresh CSMHE; its wall time in seconds. */
    private double shell(String command, long rows) throws Exception {
        Endpoint root = db.rootEndpoint();
        BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, rows);
        return BenchShell.time(command, work.resolve("shell.log"));
    }

    private static void log(String fmt, Object... args) {
        System.err.println(String.format(Locale.ROOT, fmt, args));
    }
}
