package org.csmh.client.cli;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.CutoverResponse;
import org.csmh.proto.v1.FileChange;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.MigrationStep;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.RollbackRequest;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.Service;
import org.csmh.proto.v1.StartPurgeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** migrate, cutover, rollback, purge, restart. */
final class ProcedureCommands {
    private ProcedureCommands() {
    }

    @Command(name = "migrate", sortOptions = false, description = {"Run the migrations configured on the agent, streaming their output.",
            "Steps default to lms default, lms student_module_history, cms default, cms student_module_history.",
            "The run goes on if csmhctl is interrupted or loses its connection; the same command again follows it to its end."})
    static final class Migrate implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;
        @Option(names = "--step", paramLabel = "lms|cms:ALIAS", description = "one step, e.g. lms:student_module_history; repeatable")
        List<String> steps;
        @Option(names = "--without-django", description = "no Django here: create CSMHE as migration 0001 does")
        boolean withoutDjango;
        @Option(names = "--offset", description = "AUTO_INCREMENT above max(old id) with --without-django (default 10000)")
        long offset;
        @Option(names = "--db-migration-user", description = "DB_MIGRATION_USER for the commands (default: the agent's migrate endpoint)")
        String user;
        @Option(names = "--db-migration-password-file") Path pwFile;
        @Option(names = "--db-migration-password-env") String pwEnv;
        @Option(names = "--db-migration-password-stdin") boolean pwStdin;

        @Override
        public Integer call() {
            RunMigrationsRequest.Builder b = RunMigrationsRequest.newBuilder().setWithoutDjango(withoutDjango).setAutoIncrementOffset(offset);
            if (offset < 0) {
                throw new UsageException("--offset must not be negative");
            }
            for (String s : steps == null ? List.<String>of() : steps) {
                String[] p = s.split(":", 2);
                if (p.length != 2 || !(p[0].equals("lms") || p[0].equals("cms"))) {
                    throw new UsageException("--step: expected lms:ALIAS or cms:ALIAS, got '" + s + "'");
                }
                b.addSteps(MigrationStep.newBuilder().setService(p[0].equals("lms") ? Service.SERVICE_LMS : Service.SERVICE_CMS).setAlias(p[1]));
            }
            String pw = new PasswordOptions("DB_MIGRATION_PASS", pwFile, pwEnv, pwStdin).read(root.secrets);
            if (user != null) {
                b.setDbMigrationUser(user);
            }
            if (pw != null) {
                if (user == null) {
                    throw new UsageException("a migration password needs --db-migration-user");
                }
                b.setDbMigrationPassword(pw);
            }
            return root.withClient(c -> {
                Iterator<MigrationEvent> events = c.runMigrations(b.build());
                boolean ok = true;
                boolean first = true;
                while (events.hasNext()) {
                    MigrationEvent e = events.next();
                    if (first && e.getFollowed() && !root.json) {
                        root.out.println("== following the migration run already in progress, from its first line");
                    }
                    first = false;
                    String step = e.getStep().getService().name().replace("SERVICE_", "").toLowerCase() + "/" + e.getStep().getAlias();
                    if (root.json) {
                        root.out.println(Csmhctl.compactJson(e));
                    } else {
                        switch (e.getEventCase()) {
                            case STARTED -> root.out.println("== " + step + ": " + e.getStarted());
                            case OUTPUT -> root.out.println("   " + e.getOutput());
                            case EXIT_CODE -> root.out.println("== " + step + ": exit " + e.getExitCode() + (e.getSkippedCount() == 0 ? ""
                                    : "; not run: " + String.join(", ", e.getSkippedList().stream().map(s -> s.getService().name()
                                    .replace("SERVICE_", "").toLowerCase() + "/" + s.getAlias()).toList())));
                            default -> { }
                        }
                    }
                    if (e.getEventCase() == MigrationEvent.EventCase.EXIT_CODE && e.getExitCode() != 0) {
                        ok = false;
                    }
                }
                return ok ? ExitCodes.OK : ExitCodes.JOB_FAILED;
            });
        }
    }

    @Command(name = "cutover", description = {"Stop reads from the old table (ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false).",
            "Refused until a verify has passed over every old id since the last copy, unless --force."})
    static final class Cutover implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;
        @Option(names = "--force", description = "skip the verify gate")
        boolean force;
        @Option(names = "--dry-run")
        boolean dryRun;

        @Override
        public Integer call() {
            return root.execute(c -> c.cutover(CutoverRequest.newBuilder().setForce(force).setDryRun(dryRun).build()), r -> print(root, r));
        }
    }

    @Command(name = "rollback", description = "Read from both tables again (ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: true).")
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;
        @Option(names = "--dry-run")
        boolean dryRun;

        @Override
        public Integer call() {
            return root.execute(c -> c.rollback(RollbackRequest.newBuilder().setDryRun(dryRun).build()), r -> print(root, r));
        }
    }

    static int print(Csmhctl root, CutoverResponse r) {
        if (!root.json) {
            if (!r.getVerifyJobId().isEmpty()) {
                root.out.println("gate: verify " + r.getVerifyJobId() + " passed over every old id");
            }
            for (FileChange f : r.getSettings().getFilesList()) {
                root.out.println(f.getPath() + ": " + (f.getChanged() ? (r.getSettings().getDryRun() ? "would change" : "changed") : "unchanged"));
                root.out.print(f.getDiff());
            }
        }
        return ExitCodes.OK;
    }

    @Command(name = "purge", sortOptions = false, description = {"Empty the old table: chunked DELETE (default; seed pace 20000 ids / 3 s)",
            "or --truncate. Only rows CSMHE holds go: the DELETE keeps the others and fails naming them; the TRUNCATE",
            "runs only where a verify after the last copy covers every row. Refused until the cutover is done, unless --force."})
    static final class Purge extends JobCommands.StartJob {
        @Option(names = "--truncate", description = "one TRUNCATE TABLE instead of chunked DELETE; it waits at most 5 s at a time"
                + " for the table's metadata lock (held by any open transaction that read the table), then retries")
        boolean truncate;
        @Option(names = "--force", description = "purge even though reads may still use the old table (never while a copy of it runs)")
        boolean force;
        @Option(names = "--discard-uncopied", description = "delete old rows whether or not CSMHE holds them (a site that chose not"
                + " to copy its history): they are lost")
        boolean discardUncopied;

        @Override
        Function<CsmhClient, Job> prepare() {
            StartPurgeRequest r = StartPurgeRequest.newBuilder().setForce(force).setDiscardUncopied(discardUncopied).setPace(pace.toPace())
                    .setMethod(truncate ? PurgeMethod.PURGE_METHOD_TRUNCATE : PurgeMethod.PURGE_METHOD_DELETE).build();
            return c -> c.startPurge(r);
        }
    }

    @Command(name = "restart", sortOptions = false, description = {"Bring this host's servers back online with the settings files as they are",
            "now: the restart commands in the agent's config (default: supervisorctl restart lms cms edxapp_worker:), streaming their",
            "output. Settings act only once the servers run with them; status then watches where history is written.",
            "--confirm records instead that every server runs with the new settings (where the database cannot show it)."})
    static final class Restart implements Callable<Integer> {
        @ParentCommand
        Csmhctl root;
        @Option(names = "--confirm", description = "run nothing: record that every server (all hosts, workers too) writes only CSMHE")
        boolean confirm;

        @Override
        public Integer call() {
            org.csmh.proto.v1.RestartServersRequest r = org.csmh.proto.v1.RestartServersRequest.newBuilder().setConfirm(confirm).build();
            return root.withClient(c -> {
                Iterator<org.csmh.proto.v1.RestartEvent> events = c.restartServers(r);
                boolean ok = true;
                while (events.hasNext()) {
                    org.csmh.proto.v1.RestartEvent e = events.next();
                    if (root.json) {
                        root.out.println(Csmhctl.compactJson(e));
                    } else if (!e.getConfirmed().isEmpty()) {
                        root.out.println(e.getConfirmed());
                    } else {
                        switch (e.getEventCase()) {
                            case STARTED -> root.out.println("== " + e.getStarted());
                            case OUTPUT -> root.out.println("   " + e.getOutput());
                            case EXIT_CODE -> root.out.println("== exit " + e.getExitCode());
                            default -> { }
                        }
                    }
                    if (e.getEventCase() == org.csmh.proto.v1.RestartEvent.EventCase.EXIT_CODE && e.getExitCode() != 0) {
                        ok = false;
                    }
                }
                return ok ? ExitCodes.OK : ExitCodes.JOB_FAILED;
            });
        }
    }
}
