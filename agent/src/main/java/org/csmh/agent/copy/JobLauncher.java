package org.csmh.agent.copy;

import java.sql.Connection;
import java.sql.SQLException;
import org.csmh.agent.job.JobHandle;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.job.PaceRules;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.PurgeMethod;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;

/** Validates job requests, runs their preflight, and hands accepted ones to the job manager. */
public final class JobLauncher {
    private static final int MAX_GROWTH_CHECK_SECONDS = 300;
    private final JobManager manager;
    private final JobEnvironment env;
    private final CopyPreflight.Sleeper sleeper;

    public JobLauncher(JobManager manager, JobEnvironment env, CopyPreflight.Sleeper sleeper) {
        this.manager = manager;
        this.env = env;
        this.sleeper = sleeper;
    }

    public synchronized Job startCopy(StartCopyRequest r) throws InterruptedException {
        if (r.getModeValue() < 0 || CopyMode.forNumber(r.getModeValue()) == null) {
            throw new InvalidInputException("unknown copy mode " + r.getModeValue());
        }
        checkRange(r.getRangeStart(), r.getRangeEnd());
        if (r.getGrowthCheckSeconds() > MAX_GROWTH_CHECK_SECONDS) {
            throw new InvalidInputException("growth_check_seconds " + r.getGrowthCheckSeconds() + " is above " + MAX_GROWTH_CHECK_SECONDS);
        }
        Pace pace = pace(JobKind.JOB_KIND_COPY, r.getPace());
        for (Job j : manager.list()) {
            if (j.getKind() == JobKind.JOB_KIND_COPY && !JobHandle.isTerminal(j.getState())) {
                throw new PreconditionException("copy job " + j.getId() + " is " + j.getState().name().replace("JOB_STATE_", "")
                        + "; cancel it or let it finish before starting another");
            }
        }
        int growth = r.hasGrowthCheckSeconds() ? r.getGrowthCheckSeconds() : 5;
        CopyPreflight.Plan plan = CopyPreflight.check(env, r.getRangeStart(), r.getRangeEnd(), r.getMode(), growth, sleeper);
        Job job = Job.newBuilder().setId(JobManager.newId()).setKind(JobKind.JOB_KIND_COPY).setMode(plan.mode())
                .setRangeStart(plan.first()).setRangeEnd(plan.last()).setCurrentId(plan.first() - 1).setPace(pace)
                .setFixedRangeEnd(r.getRangeEnd() != 0).build();
        return manager.start(JobRecord.newBuilder().setJob(job).setCopy(r).build()).snapshot();
    }

    public synchronized Job startVerify(StartVerifyRequest r) {
        checkRange(r.getRangeStart(), r.getRangeEnd());
        if (r.getMaxReportedRows() > 100_000) {
            throw new InvalidInputException("max_reported_rows " + r.getMaxReportedRows() + " is above 100000");
        }
        Pace pace = pace(JobKind.JOB_KIND_VERIFY, r.getPace());
        Endpoint source = env.source();
        Endpoint target = env.target();
        long max;
        try (Connection src = env.plain(source); Connection tgt = env.plain(target)) {
            if (!new Inspector(src).tableExists(source.database(), TableNames.CSMH)) {
                throw new PreconditionException("no table " + TableNames.CSMH + " in " + source.database());
            }
            if (!new Inspector(tgt).tableExists(target.database(), TableNames.CSMHE)) {
                throw new PreconditionException("no table " + TableNames.CSMHE + " in " + target.database() + ": run the migrations first");
            }
            max = new Inspector(src).maxId(source.database(), TableNames.CSMH).orElse(0L);
        } catch (SQLException e) {
            throw DatabaseAccessException.from(target, "verify preflight", e);
        }
        long first = r.getRangeStart() == 0 ? 1 : r.getRangeStart();
        long last = r.getRangeEnd() == 0 ? max : r.getRangeEnd();
        Job job = Job.newBuilder().setId(JobManager.newId()).setKind(JobKind.JOB_KIND_VERIFY)
                .setRangeStart(first).setRangeEnd(last).setCurrentId(first - 1).setPace(pace).build();
        return manager.start(JobRecord.newBuilder().setJob(job).setVerify(r).build()).snapshot();
    }

    /** TRUNCATE or a chunked DELETE of the old table; the gate (cutover done) is checked unless forced. */
    public synchronized Job startPurge(StartPurgeRequest r, Runnable gate) {
        if (r.getMethodValue() < 0 || PurgeMethod.forNumber(r.getMethodValue()) == null) {
            throw new InvalidInputException("unknown purge method " + r.getMethodValue());
        }
        Pace pace = pace(JobKind.JOB_KIND_PURGE, r.getPace());
        for (Job j : manager.list()) {
            if (j.getKind() == JobKind.JOB_KIND_PURGE && !JobHandle.isTerminal(j.getState())) {
                throw new PreconditionException("purge job " + j.getId() + " is " + j.getState().name().replace("JOB_STATE_", "")
                        + "; resume or cancel it instead of starting another");
            }
        }
        if (!r.getForce()) {
            gate.run();
        }
        Endpoint purger = env.purger();
        long min;
        long max;
        try (Connection c = env.plain(purger)) {
            Inspector in = new Inspector(c);
            if (!in.tableExists(purger.database(), TableNames.CSMH)) {
                throw new PreconditionException("no table " + TableNames.CSMH + " in " + purger.database());
            }
            max = in.maxId(purger.database(), TableNames.CSMH).orElse(0L);
            min = in.minId(purger.database(), TableNames.CSMH).orElse(1L);
        } catch (SQLException e) {
            throw DatabaseAccessException.from(purger, "purge preflight", e);
        }
        PurgeMethod method = r.getMethod() == PurgeMethod.PURGE_METHOD_TRUNCATE ? PurgeMethod.PURGE_METHOD_TRUNCATE : PurgeMethod.PURGE_METHOD_DELETE;
        Job job = Job.newBuilder().setId(JobManager.newId()).setKind(JobKind.JOB_KIND_PURGE).setRangeStart(min).setRangeEnd(max)
                .setCurrentId(min - 1).setPace(pace).build();
        return manager.start(JobRecord.newBuilder().setJob(job).setPurge(r.toBuilder().setMethod(method)).build()).snapshot();
    }

    private Pace pace(JobKind kind, Pace requested) {
        for (String name : requested.getReplicaEndpointsList()) {
            if (!env.hasEndpoint(name)) {
                throw new InvalidInputException("replica endpoint '" + name + "' is not in the agent config");
            }
        }
        return PaceRules.merge(PaceRules.defaults(kind), requested);
    }

    private static void checkRange(long start, long end) {
        if (start < 0 || end < 0) {
            throw new InvalidInputException("range is negative");
        }
        if (end != 0 && start > end) {
            throw new InvalidInputException("range_start " + start + " is above range_end " + end);
        }
    }

}
