package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.Agent;
import org.csmh.agent.config.AgentConfigLoader;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.testing.Fixtures;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.client.CsmhClient;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;

/** Provisioning against a real MySQL 8 (caching_sha2_password, utf8mb3 naming); runs only where Docker works. */
class MySql8ProvisionIT {
    @TempDir
    Path dir;

    @Test
    void provisionsIdempotentlyOnMySql8() throws Exception {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        Assumptions.assumeTrue(docker, "Docker is not available here; MySQL 8 tests skipped");
        try (MySQLContainer<?> mysql = new MySQLContainer<>("mysql:8.0").withUsername("root").withPassword("rootpw")) {
            mysql.start();
            Endpoint root = new Endpoint("mysql8", mysql.getHost(), mysql.getMappedPort(3306), "root", "rootpw", null);
            TestDatabases.execute(root, "CREATE DATABASE edxapp");
            Agent agent = new Agent(AgentConfigLoader.load(Fixtures.agentConfig(dir, root, "edxapp"))).start();
            try (CsmhClient client = CsmhClient.connect("127.0.0.1:" + agent.port(), 30_000)) {
                ProvisionDatabaseResponse first = client.provision(ProvisionIT.request("edxapp_csmh", "rt8", "mg8", "pw8").build());
                assertTrue(first.getChanged());
                ProvisionDatabaseResponse second = client.provision(ProvisionIT.request("edxapp_csmh", "rt8", "mg8", "pw8").build());
                assertFalse(second.getChanged(), second.toString());
                assertEquals(0, second.getStatementsCount());
                TestDatabases.execute(new Endpoint("rt", root.host(), root.port(), "rt8", "pw8", "edxapp_csmh"), "SELECT 1");
            } finally {
                agent.stop();
            }
        }
    }
}
