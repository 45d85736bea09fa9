package org.csmh.agent.it;

import static org.csmh.agent.it.CopyIT.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobAction;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartPurgeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy and a purge of the same old table lose rows together: the purge deletes what the copy has not read, and a
 * verify afterwards finds those rows in neither table and passes. So neither starts while the other runs, in this
 * agent or in another (each other's fleet lock), force or not; and refused means nothing changed.
 */
class CopyPurgeExclusionIT {
    private static final Pace SLOW = Pace.newBuilder().setChunkSize(500).setSleepMs(300).build();

    @TempDir
    Path dir;

    @Test
    void aForcedPurgeIsRefusedWhileACopyRunsAndACopyWhileAPurgeRuns() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 20_000).startInProcess()) {
            h.configureTarget();
            Job copying = h.client.startCopy(copy(SLOW));
            h.awaitProgress(copying.getId(), 1_000, 30_000);
            StatusRuntimeException purge = refused(() -> h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true).build()));
            assertTrue(purge.getStatus().getDescription().contains("copy job " + copying.getId() + " is RUNNING; purging now would delete rows"),
                    purge.getStatus().getDescription());
            assertEquals(20_000, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()), "the old table untouched");
            cancel(h, copying);

            Job purging = h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true).setPace(SLOW).build());
            h.awaitProgress(purging.getId(), 1_000, 30_000);
            assertNotNull(TestDatabases.queryString(h.source, "SELECT IS_USED_LOCK('csmh-agent/purge/" + h.sourceDb + "')"),
                    "a running purge holds its fleet lock");
            StatusRuntimeException copy = refused(() -> h.client.startCopy(copy(SLOW)));
            assertTrue(copy.getStatus().getDescription().contains("purge job " + purging.getId() + " is RUNNING; the copy would miss"),
                    copy.getStatus().getDescription());
            cancel(h, purging);
        }
    }

    /** Another agent's job, as its fleet lock on the server says. */
    @Test
    void anotherRunnersCopyOrPurgeIsSeenByItsFleetLock() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess();
             Connection rival = new ConnectionFactory(5000).open(TestDatabases.root())) {
            h.configureTarget();
            try (Statement st = rival.createStatement()) {
                st.execute("SELECT GET_LOCK('csmh-agent/copy/" + h.targetDb + "', 0)");
                StatusRuntimeException purge = refused(() -> h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true).build()));
                assertTrue(purge.getStatus().getDescription().matches("a copy into " + h.targetDb + " is running \\(server connection \\d+ holds"
                        + " the lock 'csmh-agent/copy/" + h.targetDb + "'\\); purging now would delete rows it has not copied.*"),
                        purge.getStatus().getDescription());
                st.execute("SELECT RELEASE_LOCK('csmh-agent/copy/" + h.targetDb + "')");

                st.execute("SELECT GET_LOCK('csmh-agent/purge/" + h.sourceDb + "', 0)");
                StatusRuntimeException copy = refused(() -> h.client.startCopy(copy(SLOW)));
                assertTrue(copy.getStatus().getDescription().contains("a purge of " + h.sourceDb + ".courseware_studentmodulehistory is running"
                        + " (server connection"), copy.getStatus().getDescription());
                StatusRuntimeException second = refused(() -> h.client.startPurge(StartPurgeRequest.newBuilder().setForce(true).build()));
                assertTrue(second.getStatus().getDescription().contains("another purge of " + h.sourceDb + ".courseware_studentmodulehistory"
                        + " is running"), second.getStatus().getDescription());
            }
            assertEquals(2_000, TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()));
            assertEquals(0, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
            assertEquals(0, h.client.listJobs().getJobsCount(), "no job was started");
        }
    }

    private static StatusRuntimeException refused(org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
        return e;
    }

    private static void cancel(CopyHarness h, Job job) throws InterruptedException {
        h.client.control(ControlJobRequest.newBuilder().setId(job.getId()).setAction(JobAction.JOB_ACTION_CANCEL).build());
        h.awaitState(job.getId(), JobState.JOB_STATE_CANCELLED, 30_000);
    }
}
