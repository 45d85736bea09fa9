package org.csmh.agent.it;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.csmh.agent.Agent;
import org.csmh.agent.config.AgentConfigLoader;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.testing.Fixtures;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.client.CsmhClient;

/** A real agent on a loopback port over a test server, with a client on a real channel. */
final class AgentHarness implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    final Endpoint root;
    final Path dir;
    final String sourceDb;
    final Agent agent;
    final CsmhClient client;

    AgentHarness(Path dir) throws Exception {
        this.root = TestDatabases.root();
        this.dir = dir;
        this.sourceDb = "edxapp_it" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        TestDatabases.execute(root, "CREATE DATABASE " + sourceDb);
        this.agent = new Agent(AgentConfigLoader.load(Fixtures.agentConfig(dir, root, sourceDb))).start();
        this.client = CsmhClient.connect(address(), 30_000);
    }

    String address() {
        return agent.target();
    }

    static String unique(String prefix) {
        return prefix + ProcessHandle.current().pid() % 10000 + "_" + SEQ.incrementAndGet();
    }

    @Override
    public void close() throws Exception {
        client.close();
        agent.stop();
        TestDatabases.execute(root, "DROP DATABASE IF EXISTS " + sourceDb);
    }
}
