package org.csmh.agent.it;

import static org.csmh.agent.it.CopyIT.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader streams a chunk from the source and cuts it where it outgrows its memory share; while the writers are
 * held, a cut-off part cannot be handed over. A reader that waited with its SELECT still streaming left that
 * statement running on the source ("Writing to net", past what the sockets buffer), where it counts in
 * Threads_running: a copy throttled at max_threads_running 1 on one server then waited on its own reader, long
 * after the load that throttled it had gone, until the server dropped the connection (Connector/J sets
 * net_write_timeout to 600 s for streamed results). Here 130 MB of rows in one 1,000-id chunk, four writers (16 MiB
 * shares), and a statement that keeps Threads_running up for 8 s when the copy starts.
 */
class ReaderHandOverIT {
    @TempDir
    Path dir;

    @Test
    void aReaderWaitingOnHeldWritersKeepsNoStatementRunningOnTheSource() throws Exception {
        Endpoint server = TestDatabases.root();
        try (CopyHarness h = new CopyHarness(dir, server, server, 1_300).startInProcess()) {
            h.configureTarget();
            // 100 KB of state a row: more than the reader's shares and the sockets' buffers hold.
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET state = REPEAT(CONCAT('x', id), 100000 DIV (1 + LENGTH(id)))");
            long abortedBefore = aborted(server);
            Thread busy = TestDatabases.busyFor(server, 8);
            Job job = h.client.startCopy(copy(Pace.newBuilder().setChunkSize(1_000).setSleepMs(0).setMaxThreadsRunning(1).build())
                    .toBuilder().setWriters(4).build());
            busy.join();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(1_300, done.getRowsDone());
            assertEquals(1_300, CopyIT.sameRows(h));
            assertEquals(1, done.getAttempts(), "the pass was retried: " + done);
            assertEquals(abortedBefore, aborted(server), "the source aborted a connection of the agent's");
            assertTrue(done.getChunksDone() >= 6, "the 130 MB chunk was cut in 16 MiB shares: " + done.getChunksDone());
        }
    }

    private static long aborted(Endpoint server) {
        return Long.parseLong(TestDatabases.queryString(server, "SHOW GLOBAL STATUS LIKE 'Aborted_clients'", 2));
    }
}
