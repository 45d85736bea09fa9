package org.csmh.agent.copy;

import org.csmh.agent.job.IdRange;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.job.PaceRules;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.Unsigned;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobRecord;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;

/**
 * StartCopy: validates the request, runs the preflight (which may watch the old table for a while; no lock is held
 * meanwhile, so other calls go on), then starts the job unless another copy started in the meantime.
 */
public final class CopyStarter {
    static final long MAX_GROWTH_CHECK_SECONDS = 300;
    static final long MAX_SETTLE_TIMEOUT_SECONDS = 86_400;
    static final long MAX_SETTLE_SECONDS = 3_600;
    private static final String ADVICE = "cancel it or let it finish before starting another";
    private final JobManager manager;
    private final JobEnvironment env;
    private final CopyPreflight.Sleeper sleeper;

    public CopyStarter(JobManager manager, JobEnvironment env, CopyPreflight.Sleeper sleeper, java.util.function.Supplier<org.csmh.agent.restart.WriteObserver.Observation> writes) {
        this.writes = writes;
        this.manager = manager;
        this.env = env;
        this.sleeper = sleeper;
    }

    /** Where the servers write, as the agent has watched it: the copy's growth check reads the same observation. */
    private final java.util.function.Supplier<org.csmh.agent.restart.WriteObserver.Observation> writes;

    public Job start(StartCopyRequest r) throws InterruptedException {
        long growth = checkRequest(r);
        Pace pace = PaceRules.forRequest(JobKind.JOB_KIND_COPY, r.getPace(), env::hasEndpoint);
        manager.refuseIfActive(JobKind.JOB_KIND_COPY, ADVICE);
        var seen = writes.get();
        if (seen.verdict() == org.csmh.agent.restart.WriteObserver.Verdict.OLD_TABLE_GROWS) {
            throw new org.csmh.agent.util.PreconditionException(seen.detail() + ": the copy needs every server writing only CSMHE; restart them"
                    + " (csmhctl restart), then copy");
        }
        if (seen.verdict() == org.csmh.agent.restart.WriteObserver.Verdict.ONLY_CSMHE) {
            // Watched for a whole window already: a few more seconds would show nothing more.
            growth = 0;
        }
        CopyPreflight.Plan plan = CopyPreflight.check(env, r.getRangeStart(), r.getRangeEnd(), r.getMode(), growth, sleeper);
        Job job = Job.newBuilder().setId(JobManager.newId()).setKind(JobKind.JOB_KIND_COPY).setMode(plan.mode())
                .setRangeStart(plan.first()).setRangeEnd(plan.last()).setCurrentId(plan.first() - 1).setPace(pace)
                .setFixedRangeEnd(r.getRangeEnd() != 0).build();
        return manager.startAlone(JobRecord.newBuilder().setJob(job).setCopy(r).build(), ADVICE).snapshot();
    }

    /** Bad input in a copy request, refused before anything runs; the growth check's seconds. Shared with the plan. */
    public static long checkRequest(StartCopyRequest r) {
        if (r.getModeValue() < 0 || CopyMode.forNumber(r.getModeValue()) == null) {
            throw new InvalidInputException("unknown copy mode " + r.getModeValue());
        }
        if (r.getStatementValue() < 0 || org.csmh.proto.v1.CopyStatement.forNumber(r.getStatementValue()) == null) {
            throw new InvalidInputException("unknown copy statement " + r.getStatementValue() + " (AUTO, BULK, SIMPLE_INSERTS or SHORT_INSERT_SELECT)");
        }
        IdRange.checkRequested(r.getRangeStart(), r.getRangeEnd());
        if (r.hasSettleTimeoutSeconds()) {
            if (Unsigned.atMost(r.getSettleTimeoutSeconds(), MAX_SETTLE_TIMEOUT_SECONDS, "settle_timeout_seconds") == 0) {
                throw new InvalidInputException("settle_timeout_seconds must be at least 1");
            }
        }
        if (r.hasSettleSeconds()) {
            Unsigned.atMost(r.getSettleSeconds(), MAX_SETTLE_SECONDS, "settle_seconds");
        }
        if (r.hasWriters() && (r.getWriters() == 0 || Integer.compareUnsigned(r.getWriters(), CrossServerCopier.MAX_WRITERS) > 0)) {
            throw new InvalidInputException("writers must be 1.." + CrossServerCopier.MAX_WRITERS + ", got " + Integer.toUnsignedString(r.getWriters()));
        }
        return r.hasGrowthCheckSeconds() ? Unsigned.atMost(r.getGrowthCheckSeconds(), MAX_GROWTH_CHECK_SECONDS, "growth_check_seconds") : 5;
    }
}
