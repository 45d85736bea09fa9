package org.csmh.client.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.CopyPlan;
import org.csmh.proto.v1.PlanCopyRequest;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.Verdict;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.Step;
import org.csmh.proto.v1.StepState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Walks the procedure from wherever this host is. The steps, their order and their states come from the agent
 * (GetStatus.steps); this command only knows how to act on each: it does the first step that is not done, asks
 * again, and goes on. It stops at a step only the operator can do (settings with secrets, a gate such as the
 * AUTO_INCREMENT gap or a failed verify) and, before the destructive purge, unless --purge was given. Running it
 * again continues where it stopped.
 */
@Command(name = "run", sortOptions = false,
        description = {"Walk the whole procedure with a checklist, stopping at gates.",
        "The agent defines the steps: database, settings, csmh_extended, migrations, auto_increment_gap, copy, verify, cutover,"
                + " purge (with --purge)."})
final class RunCommand implements Callable<Integer> {
    private static final int MAX_ACTIONS = 20;
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

    private final Set<String> reported = new HashSet<>();

    @Override
    public Integer call() {
        return root.withClient(this::walk);
    }

    private int walk(CsmhClient c) {
        acted.clear();
        for (int round = 0; round <= MAX_ACTIONS; round++) {
            List<Step> steps = c.status(GetStatusRequest.getDefaultInstance()).getStepsList();
            Step next = null;
            for (int i = 0; i < steps.size() && next == null; i++) {
                Step st = steps.get(i);
                if (st.getState() == StepState.STEP_STATE_DONE) {
                    done(i + 1, st);
                } else {
                    next = st;
                    if (acted.merge(st.getId(), 1, Integer::sum) > 2) {
                        return stop(i + 1, st, "still not done after it ran: " + st.getDetail());
                    }
                    int code = act(c, i + 1, st);
                    if (code != CONTINUE) {
                        return code;
                    }
                }
            }
            if (next == null) {
                root.out.println(root.json ? "{\"complete\": true}" : "procedure complete");
                return ExitCodes.OK;
            }
        }
        return ExitCodes.INCOMPLETE;
    }

    /** How often each step was acted on in this run. */
    private final Map<String, Integer> acted = new HashMap<>();

    private static final int CONTINUE = -1;

    /** Does one step; CONTINUE when it went through (the next status says how things stand). */
    private int act(CsmhClient c, int n, Step st) {
        if (st.getState() == StepState.STEP_STATE_BLOCKED) {
            return stop(n, st, st.getDetail());
        }
        if (st.getState() == StepState.STEP_STATE_RUNNING && !st.getJobId().isEmpty()) {
            return followed(n, st, JobCommands.started(root, c, c.getJob(st.getJobId()), false));
        }
        // A migration run in progress has no job: asking for the migrations again follows it (the agent runs one
        // at a time and hands a request for the same steps the run's events).
        switch (st.getId()) {
            case "migrations" -> {
                Iterator<MigrationEvent> events = c.runMigrations(RunMigrationsRequest.newBuilder().setWithoutDjango(withoutDjango).build());
                while (events.hasNext()) {
                    MigrationEvent e = events.next();
                    if (e.getEventCase() == MigrationEvent.EventCase.EXIT_CODE && e.getExitCode() != 0) {
                        return stop(n, st, e.getStep().getService() + "/" + e.getStep().getAlias() + " exited " + e.getExitCode()
                                + "; see csmhctl migrate");
                    }
                }
                return CONTINUE;
            }
            case "writes" -> {
                // Restarted once by this run; after that only the operator's word or the database's next window says more.
                if (acted.getOrDefault("writes", 0) > 1) {
                    return stop(n, st, st.getDetail());
                }
                String failed = restartFailure(c);
                return failed == null ? CONTINUE : stop(n, st, failed + "; see csmhctl restart");
            }
            case "copy" -> {
                StartCopyRequest.Builder b = StartCopyRequest.newBuilder().setPace(pace.toPace());
                if (growth != null) {
                    b.setGrowthCheckSeconds(growth);
                }
                // The plan first: a copy that would fill the disk or cannot start does not begin.
                CopyPlan plan = c.planCopy(PlanCopyRequest.newBuilder().setCopy(b).build());
                if (!root.json) {
                    root.out.printf("[%d] %-20s plan: %s%n", n, st.getId(), PlanCommand.summary(plan));
                }
                if (plan.getVerdict() == Verdict.VERDICT_NO_GO) {
                    return stop(n, st, "the plan says NO-GO: " + plan.getReasonsList().stream().filter(r -> r.getVerdict() == Verdict.VERDICT_NO_GO)
                            .map(r -> r.getCode() + ": " + r.getMessage()).collect(java.util.stream.Collectors.joining("; ")) + " (csmhctl plan)");
                }
                return followed(n, st, JobCommands.started(root, c, c.startCopy(b.build()), false));
            }
            case "verify" -> {
                return followed(n, st, JobCommands.started(root, c, c.startVerify(StartVerifyRequest.newBuilder().setPace(pace.toPace()).build()), false));
            }
            case "cutover" -> {
                // Reads leave the old table once the servers run with the new flag: restart them as the writes step did.
                String failed = c.cutover(CutoverRequest.newBuilder().build()).getChanged() ? restartFailure(c) : null;
                return failed == null ? CONTINUE : stop(n, st, "cut over, but " + failed
                        + ": reads use the old table until the servers restart (csmhctl restart)");
            }
            case "purge" -> {
                if (!purge) {
                    return stop(n, st, "destructive: run csmhctl run --purge (or csmhctl purge) when ready");
                }
                return followed(n, st, JobCommands.started(root, c, c.startPurge(StartPurgeRequest.newBuilder().setPace(pace.toPace())
                        .setMethod(truncate ? PurgeMethod.PURGE_METHOD_TRUNCATE : PurgeMethod.PURGE_METHOD_DELETE).build()), false));
            }
            default -> {
                // Steps that need the operator's input (secrets, a gate): say which command does them.
                return stop(n, st, st.getDetail() + (st.getAction().isEmpty() ? "" : "; run csmhctl " + st.getAction()));
            }
        }
    }

    /** Runs the agent's restart commands to their end; null when all exited 0, else which failed and how. */
    private static String restartFailure(CsmhClient c) {
        Iterator<org.csmh.proto.v1.RestartEvent> events = c.restartServers(org.csmh.proto.v1.RestartServersRequest.getDefaultInstance());
        String failed = null;
        while (events.hasNext()) {
            org.csmh.proto.v1.RestartEvent e = events.next();
            if (failed == null && e.getEventCase() == org.csmh.proto.v1.RestartEvent.EventCase.EXIT_CODE && e.getExitCode() != 0) {
                failed = "restart command " + (e.getCommand() + 1) + " exited " + e.getExitCode();
            }
        }
        return failed;
    }

    private int followed(int n, Step st, int code) {
        return code == ExitCodes.OK ? CONTINUE : stop(n, st, "the " + st.getId() + " job did not succeed; csmhctl jobs shows why");
    }

    private void done(int n, Step st) {
        if (reported.add(st.getId()) && !root.json) {
            root.out.printf("[%d] %-20s ok   %s%n", n, st.getId(), st.getDetail());
        }
    }

    private int stop(int n, Step st, String why) {
        if (root.json) {
            root.out.println("{\"stopped_at\": " + Csmhctl.jsonString(st.getId()) + ", \"reason\": " + Csmhctl.jsonString(why) + "}");
        } else {
            root.out.printf("[%d] %-20s STOP %s%n", n, st.getId(), why);
        }
        return ExitCodes.INCOMPLETE;
    }
}
