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
import org.csmh.agent.verify.ChunkChecksum;

/**
 * The verify and purge jobs end to end as a shell runs them ({@code bin/csmhctl verify}, {@code bin/csmhctl purge}
 * against an agent already running), side by side with what an operator would otherwise run on the same MariaDB
 * 10.11 sandbox, both tables on one server:
 * <ul>
 * <li>verify: the same checksum (COUNT and BIT_XOR of each row's CRC32) over each whole table, the two statements
 * one after the other in one {@code mysql -e}, as an operator checks a copy by hand;</li>
 * <li>purge: the seed procedure's slow-delete loop ({@code mysql -e 'DELETE ... WHERE id < i'} per step, without
 * its 3 s sleep), and {@code pt-archiver --purge} (Percona Toolkit, what DBAs use for slow deletes), both at the
 * job's chunk size.</li>
 * </ul>
 * {@code bench/run.sh jobs [--rows 1000000] [--chunk 20000] [--reps 3] [--out FILE]}.
 */
public final class JobsBenchmark {
    /** Untimed verifies of a small range that warm the agent's job path before the reps. */
    private static final int WARM_UP_VERIFIES = 3;
    private static final String OLD = BenchData.SRC + "." + TableNames.CSMH;
    private static final String NEW = "csmh_bench." + TableNames.CSMHE;
    private static final String COLUMNS = "id, version, created, state, grade, max_grade, student_module_id";

    private final DatabaseSandbox db;
    private final Path log;

    private JobsBenchmark(DatabaseSandbox db, Path work) {
        this.db = db;
        this.log = work.resolve("shell.log");
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int chunk = 20_000;
        int reps = 3;
        Path out = Path.of("bench/results/jobs.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("csmh-jobs");
        try (DatabaseSandbox db = DatabaseSandbox.start(SandboxEngine.MARIADB_10_11, work.resolve("db"), 1024, List.of())) {
            JobsBenchmark b = new JobsBenchmark(db, work);
            Endpoint root = db.rootEndpoint();
            log("seeding %,d rows", rows);
            BenchData.seed(root, rows);
            long maxId = BenchData.maxId(root);
            BenchData.freshTarget(root, "csmh_bench", TableNames.CSMHE, rows);
            BenchData.exec(root, BenchData.insertSelectChunk("csmh_bench", 1, maxId));
            String csmhctl = Path.of("bin/csmhctl").toAbsolutePath() + " --json";
            String mysql = "mysql -h127.0.0.1 -P" + db.port() + " -uroot";
            String pace = " --chunk-size " + chunk + " --sleep-ms 0";
            List<Double> verifyOurs = new ArrayList<>();
            List<Double> verifyBase = new ArrayList<>();
            List<Double> purgeOurs = new ArrayList<>();
            List<Double> purgeLoop = new ArrayList<>();
            List<Double> purgeArchiver = new ArrayList<>();
            try (BenchAgent agent = new BenchAgent(work, "256m", db.port(), db.port())) {
                String ctl = csmhctl + " --agent " + agent.target();
                for (int w = 0; w < WARM_UP_VERIFIES; w++) {
                    BenchShell.time(ctl + " verify --range-end 20000" + pace + " > /dev/null", b.log);
                }
                String sum = "COUNT(*), BIT_XOR(" + ChunkChecksum.ROW_CRC + ")";
                for (int r = 0; r < reps; r++) {
                    b.restoreOld(rows);
                    verifyOurs.add(BenchShell.time(ctl + " verify" + pace + " > /dev/null", b.log));
                    verifyBase.add(BenchShell.time(mysql + " -e \"SELECT " + sum + " FROM " + OLD + "; SELECT " + sum + " FROM " + NEW + "\" > /dev/null", b.log));
                    purgeOurs.add(BenchShell.time(ctl + " purge --force" + pace + " > /dev/null", b.log));
                    b.checkEmpty("csmhctl purge");
                    b.restoreOld(rows);
                    purgeLoop.add(BenchShell.time("for ((i=" + chunk + "; i<=" + (maxId + chunk) + "; i+=" + chunk + ")); do " + mysql
                            + " -e \"DELETE FROM " + OLD + " WHERE id < $i\"; done", b.log));
                    b.checkEmpty("the seed's delete loop");
                    b.restoreOld(rows);
                    // --nosafe-auto-increment: by default pt-archiver keeps the row holding max(id), so that a server
                    // restart cannot reuse its id; the old table takes no more inserts, and the purge is of every row.
                    purgeArchiver.add(BenchShell.time("pt-archiver --source h=127.0.0.1,P=" + db.port() + ",u=root,A=utf8,D=" + BenchData.SRC + ",t="
                            + TableNames.CSMH + " --purge --where 1=1 --primary-key-only --bulk-delete --limit " + chunk
                            + " --commit-each --nosafe-auto-increment", b.log));
                    b.checkEmpty("pt-archiver");
                    log("rep %d: verify %.2fs vs checksum statements %.2fs; purge %.2fs vs seed loop %.2fs vs pt-archiver %.2fs", r + 1,
                            verifyOurs.get(r), verifyBase.get(r), purgeOurs.get(r), purgeLoop.get(r), purgeArchiver.get(r));
                }
            }
            StringBuilder s = new StringBuilder("# Verify and purge, end to end\n\n");
            s.append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                    .append(" cores; MariaDB 10.11 sandbox, both tables on one server, ").append(String.format(Locale.ROOT, "%,d", rows))
                    .append(" rows (ids to ").append(String.format(Locale.ROOT, "%,d", maxId)).append("); medians of ").append(reps)
                    .append(" alternating reps; csmhctl against the agent already running (warmed by ").append(WARM_UP_VERIFIES)
                    .append(" small verifies); ").append(String.format(Locale.ROOT, "%,d", chunk)).append("-id chunks, no sleep.\n\n")
                    .append("| case | csmhctl | baseline | ratio | per-rep |\n|---|---:|---:|---:|---:|\n");
            BenchData.ratioRow(s, "csmhctl verify vs the same checksum over each whole table, one `mysql -e` statement after the other", verifyOurs, verifyBase);
            BenchData.ratioRow(s, "csmhctl purge (chunked DELETE) vs the seed's loop of `mysql -e 'DELETE ... WHERE id < i'`", purgeOurs, purgeLoop);
            BenchData.ratioRow(s, "csmhctl purge (chunked DELETE) vs `pt-archiver --purge --bulk-delete`", purgeOurs, purgeArchiver);
            System.out.println(s);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, s.toString());
        }
    }

    /** Puts every row back into the old table (untimed), from the copy, ids kept. */
    private void restoreOld(long rows) {
        Endpoint root = db.rootEndpoint();
        if (BenchData.queryLong(root, "SELECT COUNT(*) FROM " + OLD) == rows) {
            return;
        }
        BenchData.exec(root, "TRUNCATE TABLE " + OLD, "INSERT INTO " + OLD + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM " + NEW + " ORDER BY id");
    }

    private void checkEmpty(String who) {
        long left = BenchData.queryLong(db.rootEndpoint(), "SELECT COUNT(*) FROM " + OLD);
        if (left != 0) {
            throw new IllegalStateException(who + " left " + left + " rows in the old table");
        }
    }

    private static void log(String fmt, Object... args) {
        System.err.println(String.format(Locale.ROOT, fmt, args));
    }
}
