package org.csmh.client.cli;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.Check;
import org.csmh.proto.v1.CheckState;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Walks the procedure from wherever this host is: each step is checked first and done only if needed, and the
 * walk stops at a gate it cannot pass (settings missing, AUTO_INCREMENT gap, verify failed) or, before the
 * destructive purge, unless --purge was given. Running it again continues where it stopped.
 */
@Command(name = "run", sortOptions = false, description = {"Walk the whole procedure with a checklist, stopping at gates.",
        "Steps: settings -> migrations -> AUTO_INCREMENT gap -> copy -> verify -> cutover -> purge (with --purge)."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Csmhctl root;
    @Option(names = "--without-django", description = "create CSMHE without Django (as migration 0001 does) if it is missing")
    boolean withoutDjango;
    @Option(names = "--purge", description = "also purge the old table after the cutover (chunked DELETE)")
    boolean purge;
    @Option(names = "--truncate", description = "with --purge: TRUNCATE instead of chunked DELETE")
    boolean truncate;
    @Option(names = "--growth-check-seconds", description = "passed to the copy (default 5)")
    Integer growth;
    @Mixin
    PaceOptions pace;

    private int step;

    @Override
    public Integer call() {
        return JobCommands.withClient(root, this::walk);
    }

    private int walk(CsmhClient c) {
        Map<String, Check> s = status(c);
        for (String id : new String[] {"settings_lms", "flag_csmh_extended", "database_exists", "user_grants"}) {
            Check check = s.get(id);
            if (check == null || check.getState() != CheckState.CHECK_STATE_OK) {
                return stop("settings", (check == null ? id : check.getTitle() + ": " + check.getDetail())
                        + "; run csmhctl provision and csmhctl settings first");
            }
        }
        done("settings, database and users", "in place");

        if (s.get("csmhe_table").getState() != CheckState.CHECK_STATE_OK) {
            Iterator<MigrationEvent> events = c.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(withoutDjango).build());
            while (events.hasNext()) {
                MigrationEvent e = events.next();
                if (e.getEventCase() == MigrationEvent.EventCase.EXIT_CODE && e.getExitCode() != 0) {
                    return stop("migrations", e.getStep().getService() + "/" + e.getStep().getAlias() + " exited " + e.getExitCode()
                            + "; see csmhctl migrate");
                }
            }
            s = status(c);
            done("migrations", "ran");
        } else {
            done("migrations", "CSMHE exists");
        }
        Check gap = s.get("auto_increment_gap");
        if (gap == null || gap.getState() != CheckState.CHECK_STATE_OK) {
            return stop("AUTO_INCREMENT gap", gap == null ? "unknown" : gap.getDetail());
        }
        done("AUTO_INCREMENT gap", gap.getDetail());

        int code = follow(c, JobKind.JOB_KIND_COPY, () -> {
            StartCopyRequest.Builder b = StartCopyRequest.newBuilder().setPace(pace.toPace());
            if (growth != null) {
                b.setGrowthCheckSeconds(growth);
            }
            return c.startCopy(b.build());
        });
        if (code != ExitCodes.OK) {
            return stop("copy", "the copy did not succeed");
        }
        done("copy", "every old row is in CSMHE");
        code = follow(c, null, () -> c.startVerify(StartVerifyRequest.newBuilder().setPace(pace.toPace()).build()));
        if (code != ExitCodes.OK) {
            return stop("verify", "rows differ; csmhctl jobs shows where. Fix, copy again, verify again");
        }
        done("verify", "old and new tables match");
        c.cutover(CutoverRequest.newBuilder().build());
        done("cutover", "reads no longer use the old table");
        if (!purge) {
            return stop("purge", "destructive: run csmhctl run --purge (or csmhctl purge) when ready");
        }
        code = follow(c, null, () -> c.startPurge(StartPurgeRequest.newBuilder().setPace(pace.toPace())
                .setMethod(truncate ? PurgeMethod.PURGE_METHOD_TRUNCATE : PurgeMethod.PURGE_METHOD_DELETE).build()));
        if (code != ExitCodes.OK) {
            return stop("purge", "the purge did not finish; csmhctl jobs shows why, csmhctl purge resumes");
        }
        done("purge", "old table empty");
        root.out.println("procedure complete");
        return ExitCodes.OK;
    }

    /** Follows a running job of that kind if there is one (a copy started earlier), else starts one. */
    private int follow(CsmhClient c, JobKind resumeKind, java.util.function.Supplier<Job> start) {
        Job job = null;
        if (resumeKind != null) {
            job = c.listJobs().getJobsList().stream().filter(j -> j.getKind() == resumeKind && !finished(j)).findFirst().orElse(null);
        }
        if (job == null) {
            job = start.get();
        }
        return JobCommands.started(root, c, job, false);
    }

    private static boolean finished(Job j) {
        return j.getState() == JobState.JOB_STATE_SUCCEEDED || j.getState() == JobState.JOB_STATE_FAILED
                || j.getState() == JobState.JOB_STATE_CANCELLED;
    }

    private Map<String, Check> status(CsmhClient c) {
        return c.status(GetStatusRequest.getDefaultInstance()).getChecksList().stream()
                .collect(Collectors.toMap(Check::getId, x -> x, (a, b) -> a));
    }

    private void done(String what, String detail) {
        step++;
        if (!root.json) {
            root.out.printf("[%d] %-28s ok   %s%n", step, what, detail);
        }
    }

    private int stop(String what, String why) {
        step++;
        if (root.json) {
            root.out.println("{\"stopped_at\": " + Csmhctl.jsonString(what) + ", \"reason\": " + Csmhctl.jsonString(why) + "}");
        } else {
            root.out.printf("[%d] %-28s STOP %s%n", step, what, why);
        }
        return ExitCodes.INCOMPLETE;
    }
}
