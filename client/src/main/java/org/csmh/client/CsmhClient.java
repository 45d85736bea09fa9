package org.csmh.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
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
    private final ManagedChannel channel;
    private final CsmhAgentGrpc.CsmhAgentBlockingStub stub;
    private final long timeoutMillis;
    private final EventLoopGroup socketLoop;

    public CsmhClient(ManagedChannel channel, long timeoutMillis) {
        this(channel, timeoutMillis, null);
    }

    private CsmhClient(ManagedChannel channel, long timeoutMillis, EventLoopGroup socketLoop) {
        this.channel = channel;
        this.stub = CsmhAgentGrpc.newBlockingStub(channel);
        this.timeoutMillis = timeoutMillis;
        this.socketLoop = socketLoop;
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
        if (target.startsWith("unix:")) {
            String path = target.substring("unix:".length()).replaceFirst("^//", "");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("agent address " + target + ": expected unix:/path/to/socket");
            }
            EventLoopGroup loop = new EpollEventLoopGroup(1);
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path), security.credentials())
                    .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop)
                    .overrideAuthority("localhost") // a socket path is not a valid :authority
                    .withOption(ChannelOption.SO_KEEPALIVE, null) // set by default; a Unix socket has none (a warning per call)
                    .build();
            return new CsmhClient(channel, timeoutMillis, loop);
        }
        return new CsmhClient(NettyChannelBuilder.forTarget(target, security.credentials()).build(), timeoutMillis);
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

    /** Snapshots of a job until it ends; no deadline, since a copy may run for days. */
    public Iterator<Job> watch(WatchJobRequest request) {
        return stub.watchJob(request);
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (socketLoop != null) {
            socketLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
