package org.csmh.agent.procedure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.csmh.agent.cutover.CutoverGate;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.purge.PurgeRunner;
import org.csmh.agent.status.Check;
import org.csmh.agent.status.StatusChecker;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;

/**
 * Where this host stands in the procedure: the checklist, and each {@link ProcedureStep}'s state derived from the
 * checks, the jobs, the migration run in progress and the cutover gate. Read-only.
 */
public final class Procedure {
    private final StatusChecker checker;
    private final JobManager jobs;
    private final CutoverGate gate;
    /** The migration run in progress, described; empty when none is. */
    private final Supplier<Optional<String>> migrating;

    /** The checklist and the steps; {@code next} is the first step not done, or null when all are. */
    public record Status(List<Check> checks, List<StepStatus> steps) {
        public boolean complete() {
            return checks.stream().noneMatch(c -> c.state() == Check.State.PENDING || c.state() == Check.State.FAILED);
        }

        public Optional<StepStatus> next() {
            return steps.stream().filter(s -> s.state() != StepStatus.State.DONE).findFirst();
        }
    }

    /** The last capacity plan in a line, shown on the copy step before it runs. */
    private final Supplier<Optional<String>> plan;

    public Procedure(StatusChecker checker, JobManager jobs, CutoverGate gate, Supplier<Optional<String>> migrating, Supplier<Optional<String>> plan) {
        this.plan = plan;
        this.checker = checker;
        this.jobs = jobs;
        this.gate = gate;
        this.migrating = migrating;
    }

    public Status status(boolean exactRowCount) {
        List<Check> checks = checker.check(exactRowCount);
        Map<String, Check> byId = new LinkedHashMap<>();
        checks.forEach(c -> byId.putIfAbsent(c.id(), c));
        List<Job> all = jobs.list();
        List<StepStatus> steps = new ArrayList<>();
        for (ProcedureStep step : ProcedureStep.values()) {
            steps.add(state(step, byId, all, steps));
        }
        return new Status(checks, steps);
    }

    private StepStatus state(ProcedureStep step, Map<String, Check> checks, List<Job> all, List<StepStatus> before) {
        boolean cutOver = checks.containsKey("flag_read_multiple") && checks.get("flag_read_multiple").ok();
        Map<String, String> old = checks.containsKey("old_table") ? checks.get("old_table").fields() : Map.of();
        boolean noOldRows = "false".equals(old.get("exists")) || ("true".equals(old.get("exists")) && !old.containsKey("max_id"));
        return switch (step) {
            case DATABASE, SETTINGS, CSMH_EXTENDED, CUTOVER, WRITES -> fromChecks(step, checks, false);
            case MIGRATIONS -> migrating.get().map(run -> new StepStatus(step, StepStatus.State.RUNNING, "migrations running: " + run
                    + "; csmhctl migrate with the same steps follows them", "")).orElseGet(() -> fromChecks(step, checks, false));
            case AUTO_INCREMENT_GAP -> checks.containsKey("auto_increment_gap") ? fromChecks(step, checks, true)
                    : StepStatus.todo(step, "checked once the new table exists");
            // After the cutover the old table should not grow: rows it gained since the last copy (a server never
            // restarted with the new settings) are copied and verified again before anything is purged.
            case COPY -> noOldRows ? StepStatus.done(step, "no old rows to copy") : cutOver && writtenAfterCopy(all, old).isEmpty()
                    ? StepStatus.done(step, "cut over already") : copy(step, all, Long.parseLong(old.getOrDefault("max_id", "0")), plan.get());
            case VERIFY -> noOldRows ? StepStatus.done(step, "no old rows to verify") : cutOver && verifiedSinceLastCopy(all)
                    ? StepStatus.done(step, "cut over already") : verify(step, all, before);
            case PURGE -> noOldRows ? purged(step, all, "true".equals(old.get("exists"))) : purge(step, all, old);
        };
    }

    /** Done when every check the step names (that applies here) is OK; otherwise the first that is not says why. */
    private static StepStatus fromChecks(ProcedureStep step, Map<String, Check> checks, boolean gateOnly) {
        List<Check> mine = step.checks().stream().filter(checks::containsKey).map(checks::get).toList();
        Optional<Check> open = mine.stream().filter(c -> !c.ok()).findFirst();
        if (mine.isEmpty()) {
            return StepStatus.todo(step, "not checked");
        }
        if (open.isEmpty()) {
            return StepStatus.done(step, mine.get(0).detail());
        }
        String why = open.get().title() + ": " + open.get().detail();
        return gateOnly ? StepStatus.blocked(step, why) : StepStatus.todo(step, why);
    }

    private static StepStatus copy(ProcedureStep step, List<Job> all, long maxId, Optional<String> plan) {
        Optional<Job> running = active(all, JobKind.JOB_KIND_COPY);
        if (running.isPresent()) {
            return running(step, running.get());
        }
        Optional<Job> newest = newest(all, JobKind.JOB_KIND_COPY);
        if (newest.isPresent() && newest.get().getState() == JobState.JOB_STATE_SUCCEEDED && newest.get().getRangeEnd() >= maxId) {
            return StepStatus.done(step, "copy " + newest.get().getId() + " copied ids up to " + newest.get().getRangeEnd()).withJob(newest.get().getId());
        }
        return newest.filter(j -> j.getState() != JobState.JOB_STATE_SUCCEEDED)
                .map(j -> StepStatus.todo(step, "copy " + j.getId() + " " + j.getState().name().replace("JOB_STATE_", "").toLowerCase()
                        + (j.getError().isEmpty() ? "" : ": " + j.getError()) + "; a new copy resumes where it stopped").withJob(j.getId()))
                .orElse(StepStatus.todo(step, "old ids up to " + maxId + " to copy; " + plan.orElse("plan it first: csmhctl plan")));
    }

    private StepStatus verify(ProcedureStep step, List<Job> all, List<StepStatus> before) {
        Optional<Job> running = active(all, JobKind.JOB_KIND_VERIFY);
        if (running.isPresent()) {
            return running(step, running.get());
        }
        if (before.stream().anyMatch(s -> s.step() == ProcedureStep.COPY && s.state() != StepStatus.State.DONE)) {
            return StepStatus.todo(step, "after the copy");
        }
        try {
            Job passed = gate.passingVerify();
            return StepStatus.done(step, "verify " + passed.getId() + " passed over ids " + passed.getRangeStart() + ".." + passed.getRangeEnd())
                    .withJob(passed.getId());
        } catch (PreconditionException | DatabaseAccessException e) {
            Optional<Job> newest = newest(all, JobKind.JOB_KIND_VERIFY);
            if (newest.isPresent() && newest.get().getState() == JobState.JOB_STATE_FAILED && newest.get().getMismatchedRows() > 0
                    && newest(all, JobKind.JOB_KIND_COPY).map(c -> CutoverGate.finishedAt(c).isBefore(CutoverGate.finishedAt(newest.get())))
                    .orElse(true)) {
                return StepStatus.blocked(step, "verify " + newest.get().getId() + " failed: " + newest.get().getError()
                        + "; find out why, copy again, then verify again").withJob(newest.get().getId());
            }
            return StepStatus.todo(step, e.getMessage());
        }
    }

    /**
     * The old ids above the last successful copy's range, where the old table has rows there: rows written to it
     * after that copy. Empty when there are none or no copy succeeded.
     */
    private static Optional<String> writtenAfterCopy(List<Job> all, Map<String, String> old) {
        if (!old.containsKey("max_id")) {
            return Optional.empty();
        }
        long max = Long.parseLong(old.get("max_id"));
        return lastCopy(all).filter(c -> c.getRangeEnd() < max).map(c -> "rows written to the old table after copy " + c.getId()
                + " (ids " + (c.getRangeEnd() + 1) + ".." + max + ")");
    }

    /** A verify passed after the last copy that succeeded (or none ever did: nothing to verify again). */
    private static boolean verifiedSinceLastCopy(List<Job> all) {
        Optional<Job> copy = lastCopy(all);
        return copy.isEmpty() || all.stream().anyMatch(j -> j.getKind() == JobKind.JOB_KIND_VERIFY && j.getState() == JobState.JOB_STATE_SUCCEEDED
                && !CutoverGate.finishedAt(j).isBefore(CutoverGate.finishedAt(copy.get())));
    }

    private static Optional<Job> lastCopy(List<Job> all) {
        return all.stream().filter(j -> j.getKind() == JobKind.JOB_KIND_COPY && j.getState() == JobState.JOB_STATE_SUCCEEDED)
                .max(Comparator.comparing(CutoverGate::finishedAt));
    }

    /**
     * The purge removes only rows CSMHE holds, so it waits for the old table's rows to be copied: rows written after
     * the last copy block it (a server still writes the old table), as does a site where no copy ever ran.
     */
    private static StepStatus purge(ProcedureStep step, List<Job> all, Map<String, String> old) {
        Optional<Job> running = active(all, JobKind.JOB_KIND_PURGE);
        if (running.isPresent()) {
            return running(step, running.get());
        }
        Optional<String> grew = writtenAfterCopy(all, old);
        if (grew.isPresent()) {
            return StepStatus.blocked(step, grew.get() + ": a server still writes the old table (restart the LMS, Studio and their workers"
                    + " with ENABLE_CSMH_EXTENDED on); copy again, verify, then purge");
        }
        if (lastCopy(all).isEmpty()) {
            return StepStatus.blocked(step, "no copy has succeeded, and the purge removes only rows CSMHE holds: copy and verify first"
                    + " (csmhctl purge --discard-uncopied drops rows you chose not to copy)");
        }
        return StepStatus.todo(step, old.getOrDefault("rows", "?") + " rows" + ("true".equals(old.get("rows_exact")) ? "" : " (estimate)")
                + " left in the old table; purging is destructive");
    }

    /**
     * Done. A chunked DELETE empties the table but InnoDB keeps the file's pages, as large as the table ever was (a
     * slow delete is how a live site avoids one long TRUNCATE); once the table is empty a TRUNCATE has nothing left to
     * lose and gives the space back, so the operator is told while the newest purge is a DELETE and the table is there.
     */
    private static StepStatus purged(ProcedureStep step, List<Job> all, boolean tableExists) {
        Optional<Job> newest = newest(all, JobKind.JOB_KIND_PURGE);
        if (tableExists && newest.isPresent() && newest.get().getState() == JobState.JOB_STATE_SUCCEEDED
                && newest.get().getWritePath().startsWith(PurgeRunner.DELETE_PREFIX)) {
            return StepStatus.done(step, "no old rows left; the chunked DELETE of purge " + newest.get().getId() + " left the table's file at"
                    + " its size: csmhctl purge --truncate (no rows left to lose) gives the space back").withJob(newest.get().getId());
        }
        return StepStatus.done(step, "no old rows left");
    }

    /** The step's job is running: follow it. */
    private static StepStatus running(ProcedureStep step, Job job) {
        return new StepStatus(step, StepStatus.State.RUNNING, step.id() + " " + job.getId() + " at id " + job.getCurrentId(), job.getId());
    }

    private static Optional<Job> active(List<Job> all, JobKind kind) {
        return all.stream().filter(j -> j.getKind() == kind && !JobHandle.isTerminal(j.getState())).findFirst();
    }

    private static Optional<Job> newest(List<Job> all, JobKind kind) {
        return all.stream().filter(j -> j.getKind() == kind)
                .max(Comparator.comparing(j -> j.getCreatedAt().isEmpty() ? java.time.Instant.EPOCH : java.time.Instant.parse(j.getCreatedAt())));
    }
}
