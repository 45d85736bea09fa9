package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.testing.Fixtures;
import org.csmh.agent.testing.TcpProxy;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same instance, short INSERT..SELECT statements: the rows stay on the server, 250 ids a statement, a chunk's in one
 * round trip; what AUTO takes under innodb_autoinc_lock_mode 1 for a server on another host (WritePathTest), asked for
 * here since the sandbox runs on this one, where AUTO keeps simple inserts as before.
 */
class ShortStatementsIT {
    @TempDir
    Path dir;

    @Test
    void acrossALinkEveryRowArrivesInShortStatements() throws Exception {
        Endpoint root = TestDatabases.root();
        try (TcpProxy link = new TcpProxy(root.port()).delay(300);
             CopyHarness h = new CopyHarness(dir, root, root, 12_345)) {
            // lms.yml's default database through the link: the agent reaches the server 0.6 ms (or more) away.
            Endpoint viaLink = new Endpoint(h.source.name(), h.source.host(), link.port(), h.source.user(), h.source.password(), null);
            Fixtures.agentConfig(dir, viaLink, h.sourceDb);
            h.startInProcess();
            h.configureTarget(link.port());
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setStatement(CopyStatement.COPY_STATEMENT_SHORT_INSERT_SELECT)
                    .setPace(Pace.newBuilder().setChunkSize(2_000).setSleepMs(0)).build());
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(12_345, done.getRowsDone());
            assertTrue(done.getWritePath().startsWith("INSERT..SELECT in statements of 250 ids, one round trip per chunk (asked for)"),
                    done.getWritePath());
            assertTrue(done.getWritePath().endsWith("2 writers committing in id order"), done.getWritePath());
            Job verify = h.awaitState(h.client.startVerify(StartVerifyRequest.getDefaultInstance()).getId(), JobState.JOB_STATE_SUCCEEDED, 120_000);
            assertEquals(0, verify.getMismatchedRows());
        }
    }

    @Test
    void askedForOnThisHostAndNotChosenHere() throws Exception {
        Endpoint root = TestDatabases.root();
        try (CopyHarness h = new CopyHarness(dir, root, root, 3_000)) {
            h.startInProcess();
            h.configureTarget();
            Job auto = h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setRangeEnd(1_000)
                    .setPace(Pace.newBuilder().setChunkSize(500).setSleepMs(0)).build()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertTrue(auto.getWritePath().startsWith("multi-row INSERT..VALUES"), auto.getWritePath());
            Job asked = h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setStatement(CopyStatement.COPY_STATEMENT_SHORT_INSERT_SELECT).setPace(Pace.newBuilder().setChunkSize(700).setSleepMs(0))
                    .build()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(2_000, asked.getRowsDone());
            assertTrue(asked.getWritePath().startsWith("INSERT..SELECT in statements of 250 ids, one round trip per chunk (asked for)"),
                    asked.getWritePath());
            Job verify = h.awaitState(h.client.startVerify(StartVerifyRequest.getDefaultInstance()).getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(0, verify.getMismatchedRows());
        }
    }
}
