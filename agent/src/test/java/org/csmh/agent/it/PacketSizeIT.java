package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.sandbox.SandboxEngine;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A target whose max_allowed_packet is below the copy's usual few-MiB INSERTs (MySQL 5.7's default is 4 MiB; DBAs set
 * 1 MiB), with CSMH rows of a size real problem states reach (8 KB): the INSERT write paths, prepared on MariaDB and
 * text on MySQL 8 with local_infile OFF, size their statements to what the target takes, where they used to fail
 * every chunk ("Packet for query is too large (4,069,478 > 1,048,576)"). A row too large for the packet on its own
 * fails the copy with the remedy, and once the remedy is applied the copy resumes and completes.
 */
class PacketSizeIT {
    private static final long ONE_MIB = 1 << 20;

    @TempDir
    Path dir;

    static Stream<SandboxEngine> targets() {
        return Stream.of(SandboxEngine.MARIADB_10_11, SandboxEngine.MYSQL_8_0);
    }

    private static Endpoint target(SandboxEngine engine) {
        return engine == SandboxEngine.MARIADB_10_11 ? EngineMatrixIT.second(engine).rootEndpoint() : EngineMatrixIT.root(engine);
    }

    /** LOAD DATA LOCAL needs no bound: the driver sends the file in packets of its own. */
    @org.junit.jupiter.api.Test
    void loadDataLocalGoesThroughASmallMaxAllowedPacket() throws Exception {
        Endpoint target = target(SandboxEngine.MARIADB_10_11);
        long before = TestDatabases.queryLong(target, "SELECT @@GLOBAL.max_allowed_packet");
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), target, 3_000).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET state = CONCAT('{\"answer\": \"', REPEAT('x', 8000), '\"}') WHERE id <= 2500");
            TestDatabases.execute(target, "SET GLOBAL max_allowed_packet = " + ONE_MIB);
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setStatement(org.csmh.proto.v1.CopyStatement.COPY_STATEMENT_BULK)
                    .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0)).build());
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertTrue(done.getWritePath().startsWith("LOAD DATA LOCAL INFILE"), done.getWritePath());
            org.junit.jupiter.api.Assertions.assertFalse(done.getWritePath().contains("INSERTs of at most"), done.getWritePath());
            CopyFaultIT.assertVerified(h, 3_000);
        } finally {
            TestDatabases.execute(target, "SET GLOBAL max_allowed_packet = " + before);
        }
    }

    @ParameterizedTest
    @MethodSource("targets")
    void insertsFitASmallMaxAllowedPacketAndARowTooLargeForItFailsWithTheRemedy(SandboxEngine engine) throws Exception {
        Endpoint target = target(engine);
        long before = TestDatabases.queryLong(target, "SELECT @@GLOBAL.max_allowed_packet");
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), target, 3_000).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET state = CONCAT('{\"answer\": \"', REPEAT('x', 8000), '\"}') WHERE id <= 2500");
            // New sessions take it, so every connection the copy opens.
            TestDatabases.execute(target, "SET GLOBAL max_allowed_packet = " + ONE_MIB);

            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0)).build());
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(3_000, done.getRowsDone(), done.toString());
            assertTrue(done.getWritePath().startsWith(engine.isMySql() ? "multi-row INSERT (the target has local_infile=OFF"
                    : "multi-row INSERT..VALUES with explicit ids, server-side prepared"), done.getWritePath());
            assertTrue(done.getWritePath().contains("; INSERTs of at most 1,047,552 bytes (the target's max_allowed_packet is 1,048,576)"),
                    done.getWritePath());
            CopyFaultIT.assertVerified(h, 3_000);

            // One row larger than the packet: no statement can carry it. Ids 1..1000 are copied again into a fresh
            // table, the chunk holding the row fails whole, with the remedy.
            // DELETE, not TRUNCATE: CSMHE keeps its AUTO_INCREMENT above the old ids.
            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe());
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET state = REPEAT('y', " + (ONE_MIB + 4096) + ") WHERE id = 1500");
            job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0)).build());
            Job failed = h.awaitState(job.getId(), JobState.JOB_STATE_FAILED, 120_000);
            assertTrue(failed.getError().startsWith("a row within ids 1001..2000 is too large for the target's max_allowed_packet on its own"
                    + " (Packet for query is too large"), failed.getError());
            assertTrue(failed.getError().endsWith("Raise max_allowed_packet on the target (SET GLOBAL max_allowed_packet = 67108864; new"
                    + " connections take it) and start the copy again: it resumes at this chunk"), failed.getError());
            assertEquals(1_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "the chunks before it, and none of its own");
            assertEquals(1_000, TestDatabases.queryLong(h.target, "SELECT MAX(id) FROM " + h.csmhe()));

            TestDatabases.execute(target, "SET GLOBAL max_allowed_packet = " + 4 * ONE_MIB);
            job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0)).build());
            h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            CopyFaultIT.assertVerified(h, 3_000);
            assertEquals(TestDatabases.queryString(h.source, "SELECT MD5(state) FROM " + h.csmh() + " WHERE id = 1500"),
                    TestDatabases.queryString(h.target, "SELECT MD5(state) FROM " + h.csmhe() + " WHERE id = 1500"));
        } finally {
            TestDatabases.execute(target, "SET GLOBAL max_allowed_packet = " + before);
        }
    }
}
