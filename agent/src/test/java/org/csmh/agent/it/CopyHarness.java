package org.csmh.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.Agent;
import org.csmh.agent.config.AgentConfigLoader;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.HistorySeeder;
import org.csmh.agent.testing.Fixtures;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.CsmhDatabaseSettings;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.csmh.proto.v1.WatchJobRequest;

/**
 * A source database with a seeded CSMH, a target database with an empty CSMHE (AUTO_INCREMENT above the old
 * ids), lms.yml pointing at both, and an agent: in this JVM, or as a separate process that a test can kill -9.
 */
final class CopyHarness implements AutoCloseable {
    final Endpoint source;
    final Endpoint target;
    final String sourceDb = AgentHarness.unique("edxapp_cp");
    final String targetDb = AgentHarness.unique("csmh_cp");
    final Path dir;
    final Path config;
    Agent agent;
    Process process;
    CsmhClient client;
    /** Set in the environment of an agent started as a process (what a service's unit or a shell left there). */
    final java.util.Map<String, String> processEnv = new java.util.HashMap<>();


    CopyHarness(Path dir, Endpoint sourceRoot, Endpoint targetRoot, long rows) throws Exception {
        this(dir, sourceRoot, targetRoot, rows, true);
    }

    /**
     * With {@code sourceProcess} false the old table is reached (lms.yml's default database) with an account that
     * holds every privilege on the old database and nothing global, as the LMS's own account does: no PROCESS.
     */
    CopyHarness(Path dir, Endpoint sourceRoot, Endpoint targetRoot, long rows, boolean sourceProcess) throws Exception {
        this.dir = dir;
        this.target = copier(targetRoot);
        HistorySeeder.seed(copier(sourceRoot), sourceDb, rows, null);
        this.source = sourceProcess ? copier(sourceRoot) : lmsAccount(sourceRoot, sourceDb);
        TestDatabases.execute(target, "CREATE DATABASE " + targetDb + " CHARACTER SET utf8", HistoryTables.createCsmhe(targetDb),
                "ALTER TABLE " + targetDb + "." + TableNames.CSMHE + " AUTO_INCREMENT = " + (rows + 10_000));
        this.config = Fixtures.agentConfig(dir, source, sourceDb);
    }

    /** An account with a password (lms.yml entries need one) and rights on both databases. */
    static Endpoint copier(Endpoint root) {
        TestDatabases.execute(root, "CREATE USER IF NOT EXISTS 'csmh_copier'@'%' IDENTIFIED BY 'copier-pw'",
                "GRANT ALL PRIVILEGES ON *.* TO 'csmh_copier'@'%' WITH GRANT OPTION");
        return new Endpoint("copier", root.host(), root.port(), "csmh_copier", "copier-pw", null);
    }

    /** An account like the LMS's: all privileges on its own database, none global (so no PROCESS). */
    static Endpoint lmsAccount(Endpoint root, String db) {
        TestDatabases.execute(root, "CREATE USER IF NOT EXISTS 'csmh_lms'@'%' IDENTIFIED BY 'lms-pw'",
                "GRANT ALL PRIVILEGES ON `" + db + "`.* TO 'csmh_lms'@'%'");
        return new Endpoint("lms", root.host(), root.port(), "csmh_lms", "lms-pw", null);
    }

    String csmh() {
        return sourceDb + "." + TableNames.CSMH;
    }

    String csmhe() {
        return targetDb + "." + TableNames.CSMHE;
    }

    CopyHarness startInProcess() throws Exception {
        agent = new Agent(AgentConfigLoader.load(config)).start();
        connect();
        return this;
    }

    /** The agent as its own JVM on the same socket, so it can be killed with SIGKILL and started again. */
    CopyHarness startProcess() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.csmh.agent.AgentMain", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()));
        pb.environment().putAll(processEnv);
        process = pb.start();
        connect();
        for (int i = 0; i < 100; i++) {
            try {
                client.listJobs();
                return this;
            } catch (RuntimeException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("agent process did not come up; log:\n" + Files.readString(dir.resolve("agent.log")));
    }

    void killProcess() throws InterruptedException {
        client.close();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The agent's socket, the same path whichever process serves it (the config names it). */
    String target() {
        return "unix:" + dir.resolve("agent.sock");
    }

    private void connect() {
        client = CsmhClient.connect(target(), 60_000);
    }

    /** Points DATABASES.student_module_history at the target through the agent itself. */
    void configureTarget() {
        configureTarget(target.port());
    }

    /** Through another port, e.g. a proxy in front of the target server. */
    void configureTarget(int port) {
        client.updateSettings(UpdateSettingsRequest.newBuilder().setDatabase(CsmhDatabaseSettings.newBuilder().setName(targetDb)
                .setUser(target.user()).setPassword(target.password()).setHost(target.host()).setPort(port)).build());
    }

    /** The status check with this id. */
    org.csmh.proto.v1.Check check(String id) {
        return client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance()).getChecksList().stream().filter(c -> c.getId().equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no check " + id));
    }

    /** The procedure step with this id, as status reports it now. */
    org.csmh.proto.v1.Step step(String id) {
        return client.status(org.csmh.proto.v1.GetStatusRequest.getDefaultInstance()).getStepsList().stream().filter(s -> s.getId().equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no step " + id));
    }

    /** Follows WatchJob until the job ends; returns every snapshot seen. */
    List<Job> watch(String id) {
        List<Job> seen = new ArrayList<>();
        Iterator<Job> it = client.watch(WatchJobRequest.newBuilder().setId(id).build());
        while (it.hasNext()) {
            seen.add(it.next());
        }
        return seen;
    }

    Job awaitProgress(String id, long currentId, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Job j = null;
        while (System.currentTimeMillis() < deadline) {
            j = client.getJob(id);
            if (j.getCurrentId() >= currentId) {
                return j;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " did not pass id " + currentId + "; last: " + j);
    }

    Job awaitState(String id, JobState state, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Job j = null;
        while (System.currentTimeMillis() < deadline) {
            j = client.getJob(id);
            if (j.getState() == state) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach " + state + "; last: " + j);
    }

    @Override
    public void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (agent != null) {
            agent.stop();
        }
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        TestDatabases.execute(source, "DROP DATABASE IF EXISTS " + sourceDb);
        try {
            TestDatabases.execute(target, "DROP DATABASE IF EXISTS " + targetDb);
        } catch (RuntimeException ignored) {
            // a test may have left the target server down
        }
    }
}
