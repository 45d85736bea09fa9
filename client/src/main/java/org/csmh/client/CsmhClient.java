package org.csmh.client;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.CutoverRequest;
import org.csmh.proto.v1.CutoverResponse;
import org.csmh.proto.v1.MigrationEvent;
import org.csmh.proto.v1.RollbackRequest;
import org.csmh.proto.v1.RunMigrationsRequest;
import org.csmh.proto.v1.StartPurgeRequest;
import org.csmh.proto.v1.CsmhAgentGrpc;
import org.csmh.proto.v1.GetJobRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.ListJobsRequest;
import org.csmh.proto.v1.ListJobsResponse;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.csmh.proto.v1.WatchJobRequest;
import org.csmh.proto.v1.GetStatusRequest;
import org.csmh.proto.v1.GetStatusResponse;
import org.csmh.proto.v1.ProvisionDatabaseRequest;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.csmh.proto.v1.UpdateSettingsResponse;

/** A thin wrapper over the csmh.v1 stub: one channel, a deadline on every call. */
public final class CsmhClient implements AutoCloseable {
    /** The agent's default address: its Unix socket (see the agent's listen setting). */
    public static final String DEFAULT_TARGET = "unix:/run/csmh-agent/agent.sock";
    private final AgentChannel channel;
    private final CsmhAgentGrpc.CsmhAgentBlockingStub stub;
    private final long timeoutMillis;

    /** A client over {@code channel}, which it closes when closed. */
    public CsmhClient(AgentChannel channel, long timeoutMillis) {
        this.channel = channel;
        this.stub = CsmhAgentGrpc.newBlockingStub(channel.channel());
        this.timeoutMillis = timeoutMillis;
    }

    /** Plain-text channel: the agent's Unix socket, or a TCP agent that takes no TLS. */
    public static CsmhClient connect(String target, long timeoutMillis) {
        try {
            return connect(target, timeoutMillis, ClientSecurity.plain());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code target} is {@code unix:/path/to/socket} or {@code host:port}. */
    public static CsmhClient connect(String target, long timeoutMillis, ClientSecurity security) throws java.io.IOException {
        return new CsmhClient(AgentChannel.open(target, security), timeoutMillis);
    }

    private CsmhAgentGrpc.CsmhAgentBlockingStub call() {
        return stub.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public GetStatusResponse status(GetStatusRequest request) {
        return call().getStatus(request);
    }

    public ProvisionDatabaseResponse provision(ProvisionDatabaseRequest request) {
        return call().provisionDatabase(request);
    }

    public UpdateSettingsResponse updateSettings(UpdateSettingsRequest request) {
        return call().updateSettings(request);
    }

    public org.csmh.proto.v1.CopyPlan planCopy(org.csmh.proto.v1.PlanCopyRequest request) {
        return call().planCopy(request);
    }

    public Job startCopy(StartCopyRequest request) {
        return call().startCopy(request);
    }

    public Job startVerify(StartVerifyRequest request) {
        return call().startVerify(request);
    }

    public Job getJob(String id) {
        return call().getJob(GetJobRequest.newBuilder().setId(id).build());
    }

    public ListJobsResponse listJobs() {
        return call().listJobs(ListJobsRequest.getDefaultInstance());
    }

    public Job control(ControlJobRequest request) {
        return call().controlJob(request);
    }

    public Job startPurge(StartPurgeRequest request) {
        return call().startPurge(request);
    }

    public CutoverResponse cutover(CutoverRequest request) {
        return call().cutover(request);
    }

    public CutoverResponse rollback(RollbackRequest request) {
        return call().rollback(request);
    }

    /** Migration output as it comes; no deadline beyond the agent's own per-command timeout. */
    public Iterator<MigrationEvent> runMigrations(RunMigrationsRequest request) {
        return stub.runMigrations(request);
    }

    /** The restart commands' output as it comes; no deadline beyond the agent's own per-command timeout. */
    public Iterator<org.csmh.proto.v1.RestartEvent> restartServers(org.csmh.proto.v1.RestartServersRequest request) {
        return stub.restartServers(request);
    }

    /** Snapshots of a job until it ends; no deadline, since a copy may run for days. */
    public Iterator<Job> watch(WatchJobRequest request) {
        return stub.watchJob(request);
    }

    @Override
    public void close() {
        channel.close();
    }

    /**
     * Drops the channel without the graceful close's round trip and wait (some 5-10 ms of a short-lived client): for
     * a process that exits next, whose calls have all ended. The agent sees the connection end, as when any client exits.
     */
    public void closeForExit() {
        channel.abandon();
    }
}
