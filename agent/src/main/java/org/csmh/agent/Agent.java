package org.csmh.agent;

import java.io.IOException;
import org.csmh.agent.metrics.AgentMetrics;
import org.csmh.agent.metrics.MetricsServer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import org.csmh.agent.config.AgentConfig;
import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.copy.CopyRunner;
import org.csmh.agent.copy.CopyStarter;
import org.csmh.agent.job.JobEnvironment;
import org.csmh.agent.job.Retrying;
import org.csmh.agent.procedure.Procedure;
import org.csmh.agent.purge.PurgeStarter;
import org.csmh.agent.throttle.ThrottleMetrics;
import org.csmh.agent.verify.VerifyRunner;
import org.csmh.agent.verify.VerifyStarter;
import org.csmh.agent.job.JobManager;
import org.csmh.agent.job.JobStore;
import org.csmh.agent.cutover.CutoverGate;
import org.csmh.agent.cutover.Cutover;
import org.csmh.agent.migrate.MigrationRunner;
import org.csmh.agent.migrate.Migrations;
import org.csmh.agent.migrate.TableCreator;
import org.csmh.agent.purge.PurgeRunner;
import org.csmh.agent.server.JobService;
import org.csmh.agent.server.ProcedureService;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.DataSources;
import org.csmh.agent.provision.DatabaseProvisioner;
import org.csmh.agent.server.AgentServer;
import org.csmh.agent.server.CsmhAgentService;
import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.status.StatusChecker;

/** Wires the agent's parts from a config; used by {@link AgentMain} and by tests that run a real agent. */
public final class Agent {
    public static final String VERSION = "0.1.0";
    private final AgentServer server;
    private final JobManager jobs;
    private final DataSources pools;
    private final Migrations migrations;
    private final AgentMetrics prometheus;
    private final org.csmh.agent.restart.ServerRestarter restarter;
    private final org.csmh.agent.restart.WriteObserver writes;
    private final org.csmh.agent.config.ListenAddress metricsAddress;
    private MetricsServer metricsServer;

    public Agent(AgentConfig config) throws IOException {
        ConnectionFactory connections = new ConnectionFactory(5000);
        LmsSettingsEditor settings = new LmsSettingsEditor(config.lmsYml(), config.cmsYml(), Clock.systemUTC());
        EndpointResolver endpoints = new EndpointResolver(config.endpoints(),
                () -> config.lmsYml() == null ? Map.of() : settings.read(config.lmsYml()));
        this.pools = new DataSources(5000);
        JobEnvironment env = new JobEnvironment(connections, endpoints);
        var restart = config.restart();
        this.restarter = new org.csmh.agent.restart.ServerRestarter(restart, config.stateDir(), Clock.systemUTC());
        this.writes = new org.csmh.agent.restart.WriteObserver(org.csmh.agent.restart.WriteObserver.tables(env::source, env::target, env::plain,
                Clock.systemUTC()), Clock.systemUTC(), java.time.Duration.ofSeconds(restart.windowSeconds()), restarter::lastRestart)
                .start(java.time.Duration.ofSeconds(restart.sampleSeconds()));
        org.csmh.agent.restart.WritesCheck writesCheck = new org.csmh.agent.restart.WritesCheck(writes, restarter);
        StatusChecker status = new StatusChecker(settings, endpoints, pools, writesCheck::check);
        DatabaseProvisioner provisioner = new DatabaseProvisioner(connections, () -> oldTableCharset(connections, endpoints));
        ThrottleMetrics metrics = new ThrottleMetrics(connections, endpoints::resolve);
        long retryMillis = config.jobRetrySeconds() * 1000L;
        // Job gauges are read from the snapshots at scrape time, so they always agree with GetJob.
        AgentMetrics prometheus = new AgentMetrics(VERSION, this::jobSnapshots, metrics);
        this.metricsAddress = config.metrics();
        this.prometheus = prometheus;
        this.jobs = new JobManager(new JobStore(config.stateDir()), record -> switch (record.getSpecCase()) {
            case COPY -> Retrying.body(retryMillis, new CopyRunner(env, metrics));
            case VERIFY -> Retrying.body(retryMillis, new VerifyRunner(env, metrics));
            case PURGE -> Retrying.body(retryMillis, new PurgeRunner(env, metrics, this::jobSnapshots));
            default -> throw new IllegalStateException("job " + record.getJob().getId() + " has no spec");
        }, config.metrics() == null ? org.csmh.agent.job.JobTelemetry.NONE : prometheus);
        CutoverGate gate = new CutoverGate(jobs, env, settings);
        JobService jobService = new JobService(new CopyStarter(jobs, env, Thread::sleep, writes::observe), new VerifyStarter(jobs, env),
                new PurgeStarter(jobs, env, gate, writes::observe), jobs);
        this.migrations = new Migrations(new MigrationRunner(config.migrations()), new TableCreator(connections), env);
        ProcedureService procedure = new ProcedureService(migrations, new Cutover(gate, settings), restarter);
        org.csmh.agent.plan.CopyPlanner planner = new org.csmh.agent.plan.CopyPlanner(env, metrics, this::jobSnapshots, writes::observe, hostname());
        CsmhAgentService service = new CsmhAgentService(new Procedure(status, jobs, gate, migrations::inProgress, planner::lastSummary), provisioner,
                settings, endpoints, jobService, procedure, VERSION, hostname(), planner);
        this.server = new AgentServer(config.listen(), service, config.security());
    }

    public Agent start() throws IOException {
        jobs.restore();
        if (metricsAddress != null) {
            metricsServer = new MetricsServer(metricsAddress.host(), metricsAddress.port(), prometheus);
        }
        server.start();
        return this;
    }

    /** The port of the Prometheus endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    private java.util.List<org.csmh.proto.v1.Job> jobSnapshots() {
        return jobs.list();
    }

    public JobManager jobs() {
        return jobs;
    }

    /** What a client dials: {@code unix:/path} or {@code host:port}. */
    public String target() {
        return server.target();
    }

    public int port() {
        return server.port();
    }

    public void stop() throws InterruptedException {
        // First, so that callers following a migration run see its step killed and their calls end.
        migrations.close();
        restarter.stop();
        server.shutdown(10);
        writes.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        jobs.close();
        pools.close();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** The old table's character set through the source endpoint; empty when it cannot be read (not set up yet). */
    private static java.util.Optional<String> oldTableCharset(ConnectionFactory connections, EndpointResolver endpoints) {
        try {
            org.csmh.agent.mysql.Endpoint source = endpoints.resolve("source");
            try (java.sql.Connection c = connections.open(source)) {
                return new org.csmh.agent.mysql.Inspector(c).tableCharset(source.database(), org.csmh.agent.mysql.TableNames.CSMH);
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
