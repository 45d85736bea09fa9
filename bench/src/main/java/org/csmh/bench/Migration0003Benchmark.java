package org.csmh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.DatabaseSandbox;
import org.csmh.agent.sandbox.SandboxEngine;

/**
 * Migration 0003 on an older deploy's CSMHE (0001-0002's two indexes on student_module_id), side by side on one
 * server: the real 0003's statements, as Django's sqlmigrate prints them (DROP INDEX twice, CREATE INDEX
 * student_module_idx), against the agent's fast path (one ALTER: RENAME INDEX, DROP INDEX, in place). Between reps the
 * two-index state is put back, untimed.
 * {@code bench/run.sh migration-0003 [--rows 5000000] [--engines mariadb-10.11,mysql-8.0] [--reps 2]}.
 */
public final class Migration0003Benchmark {
    /** 0001's foreign key index and 0002's index_together index, as Django 3.2 names them (DjangoMigrationsIT builds them). */
    static final String FK = "coursewarehistoryextended_s_student_module_id_48320e41";
    static final String TOGETHER = "coursewarehistoryextended_student_module_id_48320e41_idx";

    private Migration0003Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = 5_000_000;
        int reps = 2;
        List<SandboxEngine> engines = List.of(SandboxEngine.MARIADB_10_11, SandboxEngine.MYSQL_8_0);
        Path out = Path.of("bench/results/migration-0003.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--engines" -> engines = java.util.Arrays.stream(args[++i].split(",")).map(SandboxEngine::parse).toList();
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        StringBuilder s = new StringBuilder("# Migration 0003 on an older deploy's CSMHE\n\nRun ").append(Instant.now()).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(String.format(Locale.ROOT, " cores; %,d rows in CSMHE", rows))
                .append(" (states of about 400 bytes); medians of ").append(reps).append(" reps.\n\n")
                .append("| engine | fast path (RENAME INDEX + DROP INDEX) | real 0003 (DROP INDEX x2 + CREATE INDEX) | ratio | per-rep |\n|---|---:|---:|---:|---:|\n");
        Path work = Files.createTempDirectory("csmh-0003");
        StringBuilder modifies = new StringBuilder("\n## courseware 0011 on the CSMH alias\n\nWhat a real `migrate --database student_module_history`"
                + " still runs after `--without-django`: `ALTER TABLE ... MODIFY student_module_id bigint UNSIGNED NOT NULL`, on the same"
                + " table.\n\n| engine | median | per rep (s) |\n|---|---:|---|\n");
        for (SandboxEngine engine : engines) {
            try (DatabaseSandbox db = DatabaseSandbox.start(engine, work.resolve(engine.name().toLowerCase()), 1024, List.of())) {
                Endpoint root = db.rootEndpoint();
                String table = "csmh_0003." + TableNames.CSMHE;
                log("%s: seeding %,d rows", engine, rows);
                BenchData.seed(root, Math.min(rows, 1_000_000));
                BenchData.exec(root, "DROP DATABASE IF EXISTS csmh_0003", "CREATE DATABASE csmh_0003 CHARACTER SET utf8", HistoryTables.createCsmhe("csmh_0003"),
                        "ALTER TABLE " + table + " RENAME INDEX student_module_idx TO " + FK + ", ADD INDEX " + TOGETHER + " (student_module_id)");
                String cols = "version, created, state, grade, max_grade, student_module_id";
                for (long have = 0; have < rows; have = BenchData.queryLong(root, "SELECT COUNT(*) FROM " + table)) {
                    BenchData.exec(root, "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + BenchData.SRC + "." + TableNames.CSMH
                            + " LIMIT " + Math.min(1_000_000, rows - have));
                }
                List<Double> fast = new ArrayList<>();
                List<Double> real = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    fast.add(time(root, "ALTER TABLE " + table + " RENAME INDEX " + FK + " TO student_module_idx, DROP INDEX " + TOGETHER
                            + ", ALGORITHM=INPLACE, LOCK=NONE"));
                    BenchData.exec(root, "ALTER TABLE " + table + " RENAME INDEX student_module_idx TO " + FK + ", ADD INDEX " + TOGETHER + " (student_module_id)");
                    real.add(time(root, "DROP INDEX " + FK + " ON " + table) + time(root, "DROP INDEX " + TOGETHER + " ON " + table)
                            + time(root, "CREATE INDEX student_module_idx ON " + table + " (student_module_id)"));
                    BenchData.exec(root, "ALTER TABLE " + table + " RENAME INDEX student_module_idx TO " + FK + ", ADD INDEX " + TOGETHER + " (student_module_id)");
                    log("%s rep %d: fast path %.3fs, real 0003 %.2fs", engine, r + 1, fast.get(r), real.get(r));
                }
                BenchData.ratioRow(s, engine.toString(), fast, real);
                // courseware 0011 on this alias, which a real migrate after --without-django still runs: the column is
                // bigint unsigned already, so the MODIFY changes nothing; how long it holds the table is what counts.
                List<Double> modify = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    modify.add(time(root, "ALTER TABLE " + table + " MODIFY `student_module_id` bigint UNSIGNED NOT NULL"));
                }
                modifies.append(String.format(Locale.ROOT, "| %s | %.3f s | %s |%n", engine, BenchData.median(modify),
                        modify.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList()));
                log("%s courseware 0011 MODIFY: %s", engine, modify);
            }
        }
        s.append("\nThe real 0003 leaves student_module_id unindexed from its first DROP INDEX until CREATE INDEX ends;"
                + " the fast path changes only the table's metadata.\n").append(modifies);
        System.out.println(s);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, s.toString());
    }

    private static double time(Endpoint root, String sql) {
        long t0 = System.nanoTime();
        BenchData.exec(root, sql);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void log(String fmt, Object... args) {
        System.err.println(String.format(Locale.ROOT, fmt, args));
    }
}
