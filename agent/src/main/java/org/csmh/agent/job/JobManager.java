package org.csmh.agent.job;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;

/**
 * Starts, restores and controls jobs. A job runs on its own thread and outlives the call that started it;
 * its record is saved as it goes, and on agent start every job that was not finished is started again:
 * resuming is the normal path, the same one as a fresh start.
 */
public final class JobManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobManager.class.getName());
    private final JobStore store;
    private final Function<JobRecord, JobBody> bodies;
    private final Map<String, JobHandle> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });

    private final JobTelemetry telemetry;

    public JobManager(JobStore store, Function<JobRecord, JobBody> bodies) {
        this(store, bodies, JobTelemetry.NONE);
    }

    public JobManager(JobStore store, Function<JobRecord, JobBody> bodies, JobTelemetry telemetry) {
        this.store = store;
        this.bodies = bodies;
        this.telemetry = telemetry;
    }

    /** Loads saved jobs; the unfinished ones run again (paused ones wait for a resume). */
    public void restore() {
        for (JobRecord r : store.loadAll()) {
            Job job = r.getJob();
            JobHandle handle = new JobHandle(store, r, telemetry);
            jobs.put(job.getId(), handle);
            if (!JobHandle.isTerminal(job.getState())) {
                LOG.info("event=job_restored id=" + job.getId() + " kind=" + job.getKind() + " state=" + job.getState()
                        + " current_id=" + job.getCurrentId());
                launch(handle, "cannot resume after restart: ");
            }
        }
    }

    public static String newId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Refuses early when a job of this kind is not finished (cheap; the start itself checks again, atomically).
     *
     * @param advice what the operator can do instead, for the refusal
     */
    public void refuseIfActive(JobKind kind, String advice) {
        for (JobHandle h : jobs.values()) {
            Job j = h.snapshot();
            if (JobHandle.isTerminal(j.getState())) {
                continue;
            }
            String conflict = j.getKind() == kind ? advice : conflict(kind, j.getKind());
            if (conflict != null) {
                throw new PreconditionException(j.getKind().name().replace("JOB_KIND_", "").toLowerCase(java.util.Locale.ROOT) + " job "
                        + j.getId() + " is " + j.getState().name().replace("JOB_STATE_", "") + "; " + conflict);
            }
        }
    }

    /**
     * Why a job of one kind may not start while one of another kind has not finished, or null. A copy and a purge
     * of the same old table lose rows together: the purge deletes what the copy has not read yet, and a verify
     * afterwards finds both tables without them and passes. Force (the purge's way past the cutover gate) does not
     * lift this.
     */
    static String conflict(JobKind starting, JobKind active) {
        if (starting == JobKind.JOB_KIND_PURGE && active == JobKind.JOB_KIND_COPY) {
            return "purging now would delete rows the copy has not copied; let it end (then verify) or cancel it first";
        }
        if (starting == JobKind.JOB_KIND_COPY && active == JobKind.JOB_KIND_PURGE) {
            return "the copy would miss the rows the purge deletes; let the purge end or cancel it first";
        }
        return null;
    }

    /**
     * Starts the job unless another of its kind is not finished; the check and the start are one step, so two
     * callers that both passed their (slow) preflight cannot both start. Nothing slow happens under this lock.
     */
    public synchronized JobHandle startAlone(JobRecord record, String advice) {
        refuseIfActive(record.getJob().getKind(), advice);
        return start(record);
    }

    /** Registers and starts a job whose record the caller built (after its preflight passed). */
    public synchronized JobHandle start(JobRecord record) {
        Job job = record.getJob().toBuilder().setState(JobState.JOB_STATE_PENDING).setCreatedAt(Instant.now().toString())
                .setUpdatedAt(Instant.now().toString()).setEtaSeconds(-1).build();
        JobRecord r = record.toBuilder().setJob(job).build();
        store.save(r);
        JobHandle handle = new JobHandle(store, r, telemetry);
        jobs.put(job.getId(), handle);
        LOG.info("event=job_started id=" + job.getId() + " kind=" + job.getKind() + " range=" + job.getRangeStart() + ".." + job.getRangeEnd());
        launch(handle, "cannot run this job: ");
        return handle;
    }

    /**
     * Runs the job on its own thread. Whatever the body throws, including errors from saving the record, ends the
     * job FAILED with the reason (and a log line); nothing is left in an unread Future.
     */
    private void launch(JobHandle handle, String unrunnable) {
        JobBody body;
        try {
            body = bodies.apply(handle.spec());
        } catch (RuntimeException e) {
            // A record this agent cannot run (no spec, from a newer version) must not keep the agent down.
            LOG.warning("event=job_not_restorable id=" + handle.id() + " reason=\"" + e.getMessage() + "\"");
            handle.control().fail(unrunnable + e.getMessage());
            return;
        }
        executor.execute(() -> run(handle, body));
    }

    private static void run(JobHandle handle, JobBody body) {
        Thread.currentThread().setName("job-" + handle.id());
        JobStateMachine machine = handle.control();
        try {
            if (!machine.start()) {
                return;
            }
            body.run(handle);
            Job end = machine.finish();
            LOG.info("event=job_finished id=" + handle.id() + " state=" + end.getState() + " rows=" + end.getRowsDone());
        } catch (InterruptedException | JobStore.SaveInterrupted e) {
            // Agent shutdown: leave the record unfinished so the next start resumes it.
            LOG.info("event=job_interrupted id=" + handle.id());
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            boolean expected = e instanceof JobFailure || e instanceof PreconditionException || e instanceof JobStateMachine.RecordNotSaved;
            LOG.log(expected ? Level.WARNING : Level.SEVERE, "event=job_failed id=" + handle.id() + " reason=\"" + message + "\"",
                    expected ? null : e);
            machine.fail(message);
        }
    }

    public JobHandle get(String id) {
        JobHandle h = jobs.get(id);
        if (h == null) {
            throw new JobNotFoundException("no job with id '" + id + "'");
        }
        return h;
    }

    public List<Job> list() {
        return jobs.values().stream().map(JobHandle::snapshot).sorted(Comparator.comparing(Job::getCreatedAt)).toList();
    }

    public Job pause(String id) {
        return get(id).control().pause();
    }

    public Job resume(String id) {
        return get(id).control().resume();
    }

    public Job cancel(String id) {
        return get(id).control().cancel();
    }

    public Job setPace(String id, Pace change) {
        return get(id).control().setPace(current -> PaceRules.merge(current, change));
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
