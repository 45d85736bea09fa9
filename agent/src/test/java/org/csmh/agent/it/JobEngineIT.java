package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy engine against a live source: late commits, a lost fleet lock, calls that must not wait on each other. */
class JobEngineIT {
    @TempDir
    Path dir;

    private static Connection open(CopyHarness h) {
        return new ConnectionFactory(5000).open(h.source.withDatabase(h.sourceDb));
    }

    private static Job awaitReason(CopyHarness h, String id, String part) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        Job j = h.client.getJob(id);
        while (!j.getThrottleReason().contains(part) && System.currentTimeMillis() < deadline) {
            assertTrue(!org.csmh.agent.job.JobHandle.isTerminal(j.getState()), "ended before waiting for '" + part + "': " + j);
            Thread.sleep(20);
            j = h.client.getJob(id);
        }
        assertTrue(j.getThrottleReason().contains(part), j.toString());
        return j;
    }

    private static String insert(CopyHarness h, String state) {
        return "INSERT INTO " + h.csmh() + " (created, state, student_module_id) VALUES (NOW(6), '" + state + "', 7)";
    }

    /** A row inserted on {@code c} in a transaction left open: it holds its id, unseen, until {@code c} commits. */
    private static void holdLateRow(CopyHarness h, Connection c) throws java.sql.SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute(insert(h, "late"));
        }
    }

    private static void insertOnTime(CopyHarness h, int rows) {
        for (int i = 0; i < rows; i++) {
            TestDatabases.execute(h.source, insert(h, "on time"));
        }
    }

    /**
     * Once the copy is under way, a row held open (id 5004) and one that commits after it (5005, which a catch-up
     * pass copies); returns the job when it waits before success, the late row still uncommitted.
     */
    private static Job lateRowWhileCopying(CopyHarness h, String id, Connection late) throws Exception {
        h.awaitProgress(id, 1_000, 30_000);
        holdLateRow(h, late);
        insertOnTime(h, 1);
        return awaitReason(h, id, "settling before success");
    }

    /** The copy succeeded with every row, both late ones too, each counted once. */
    private static Job awaitAllRowsIn(CopyHarness h, String id) throws Exception {
        Job done = h.awaitState(id, JobState.JOB_STATE_SUCCEEDED, 60_000);
        assertEquals(5_005, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), done.toString());
        assertEquals(2, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE state = 'late'"));
        assertEquals(5_005, done.getRowsDone(), "the late row is counted once");
        CopyFaultIT.assertVerified(h, 5_005);
        return done;
    }

    /**
     * An LMS transaction holds a new history row uncommitted while later rows commit (Django's ATOMIC_REQUESTS), once
     * before the copy starts and once while it runs. Both rows commit below ids the copy has already read; the copy
     * waits for such transactions, recounts the tail, and reports success only with every row in.
     */
    @Test
    void rowsThatCommitOutOfIdOrderAreNotLost() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 5_000).startInProcess();
             Connection early = open(h); Connection late = open(h)) {
            h.configureTarget();
            holdLateRow(h, early);                                      // takes id 5001, not committed
            insertOnTime(h, 2);                                         // 5002, 5003
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleTimeoutSeconds(60)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(300)).build());
            assertEquals("true", h.check("source_server").getFieldsMap().get("open_transactions_visible"));
            Job waiting = awaitReason(h, job.getId(), "open source transaction");
            assertTrue(waiting.getThrottleReason().startsWith("settling before the first chunk"), waiting.toString());
            assertEquals(0, waiting.getRowsDone(), "no chunk before the open transaction ended");
            early.commit();

            lateRowWhileCopying(h, job.getId(), late);
            late.commit();

            Job done = awaitAllRowsIn(h, job.getId());
            assertTrue(done.getSettle().contains("waited") && done.getSettle().contains("1 late row copied"), done.getSettle());
        }
    }

    /**
     * The same out-of-order commits where the source account cannot see open transactions (no PROCESS, as the
     * LMS's own account): the copy waits settle_seconds before its first chunk and before success instead, and
     * recounts only the ids that arrived during the copy, not both whole tables.
     */
    @Test
    void withoutProcessTheCopyWaitsSettleSecondsAndRecountsOnlyTheNewIds() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 5_000, false).startInProcess();
             Connection early = open(h); Connection late = open(h)) {
            h.configureTarget();
            assertEquals("false", h.check("source_server").getFieldsMap().get("open_transactions_visible"));
            assertTrue(h.check("source_server").getDetail().contains("lacks PROCESS"), h.check("source_server").toString());
            holdLateRow(h, early);                                      // takes id 5001, not committed
            insertOnTime(h, 2);                                         // 5002, 5003
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleSeconds(5).setSettleTimeoutSeconds(60)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(300)).build());
            Job waiting = awaitReason(h, job.getId(), "lacks PROCESS");
            assertTrue(waiting.getThrottleReason().startsWith("settling before the first chunk"), waiting.toString());
            assertTrue(waiting.getThrottleReason().endsWith("waiting 5 s"), waiting.toString());
            assertEquals(0, waiting.getRowsDone(), "no chunk before the wait is over");
            early.commit();

            Job blind = lateRowWhileCopying(h, job.getId(), late);
            assertTrue(blind.getThrottleReason().contains("lacks PROCESS"), blind.toString());
            late.commit();

            Job done = awaitAllRowsIn(h, job.getId());
            // The old table's next id at the start was 5004: ids below it had settled during the first wait.
            assertTrue(done.getSettle().contains("recounted ids 5004..5005: 1 late row copied"), done.getSettle());
            assertTrue(done.getSettle().startsWith("at start: cannot see"), done.getSettle());
        }
    }

    /**
     * A row an earlier copy missed (a late commit that outlasted settle_seconds lands at the top of the range, just
     * below where a new copy resumes): the verify fails and says to copy again; copying again resumes, recounts and
     * copies it. The resume check refused this before, taking the missing row for rows something else wrote.
     */
    @Test
    void aRowAnEarlierCopyMissedIsBroughtByCopyingAgain() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000).startInProcess()) {
            h.configureTarget();
            Pace pace = Pace.newBuilder().setChunkSize(1000).setSleepMs(0).build();
            h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(pace).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 30_000);
            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe() + " WHERE id = 2990");
            // A gap, not rows the LMS wrote at old ids: status does not send the operator to move every copied row.
            assertEquals(org.csmh.proto.v1.CheckState.CHECK_STATE_OK, h.check("old_ids").getState(), h.check("old_ids").toString());
            Job failed = h.awaitState(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(pace).build()).getId(),
                    JobState.JOB_STATE_FAILED, 30_000);
            assertTrue(failed.getError().contains("1 rows differ in 1 chunks (ids 2001..3000): the new table has fewer rows there; copy again"),
                    failed.getError());
            Job again = h.awaitState(h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setPace(pace).build()).getId(),
                    JobState.JOB_STATE_SUCCEEDED, 30_000);
            assertTrue(again.getSettle().contains("recounted ids 1..3000: 1 late row copied"), again.getSettle());
            CopyFaultIT.assertVerified(h, 3_000);
        }
    }

    /**
     * The recount before success can read the whole of both tables (here: the copy starts over rows another job
     * wrote) on the production servers: it waits out the throttle as the chunks do, and the job's settle says how
     * far it is.
     */
    @Test
    void theFinalRecountWaitsOutTheThrottle() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 20_000).startInProcess();
             Connection open = open(h)) {
            h.configureTarget();
            Job first = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setRangeEnd(5_000)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(0)).build());
            h.awaitState(first.getId(), JobState.JOB_STATE_SUCCEEDED, 30_000);
            TestDatabases.execute(h.source, "CREATE TABLE " + h.sourceDb + ".other (id INT PRIMARY KEY)");
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).setSettleTimeoutSeconds(60)
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(200).setMaxThreadsRunning(1)).build());
            h.awaitProgress(job.getId(), 10_000, 30_000);
            open.setAutoCommit(false);
            try (Statement st = open.createStatement()) {
                st.execute("INSERT INTO " + h.sourceDb + ".other VALUES (1)");   // a write transaction the copy waits for
            }
            awaitReason(h, job.getId(), "settling before success");
            Thread busy = TestDatabases.busyFor(h.source, 3);
            open.commit();
            Job throttled = awaitReason(h, job.getId(), "Threads_running");
            assertTrue(throttled.hasRecount(), "the recount shows while it waits: " + throttled);
            assertEquals(1, throttled.getRecount().getRangeStart());
            assertEquals(20_000, throttled.getRecount().getRangeEnd());
            assertTrue(throttled.getRecount().getCurrentId() < 20_000, throttled.toString());
            assertTrue(throttled.getRecount().getProgress() < 1.0, throttled.toString());
            assertTrue(throttled.getEtaSeconds() != 0, "the ETA is the recount's, not the finished chunks' 0: " + throttled);
            busy.join();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 30_000);
            assertTrue(done.getSettle().contains("recounted ids 1..20000: 0 late rows copied"), done.getSettle());
            assertEquals("", done.getThrottleReason());
            assertFalse(done.hasRecount(), "a finished recount leaves no progress behind: " + done);
            assertEquals(0, done.getEtaSeconds());
        }
    }

    /**
     * The fleet lock lives as long as its connection. When that connection dies and another runner takes the lock,
     * the job must stop writing: it notices before its next chunk, tries to take the lock again, and fails.
     */
    @Test
    void aLostFleetLockStopsTheCopy() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 20_000).startInProcess();
             Connection rival = new ConnectionFactory(5000).open(TestDatabases.root())) {
            h.configureTarget();
            Job job = h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0)
                    .setPace(Pace.newBuilder().setChunkSize(500).setSleepMs(200)).build());
            h.awaitProgress(job.getId(), 1_000, 30_000);
            String name = "csmh-agent/copy/" + h.targetDb;
            long holder = TestDatabases.queryLong(h.target, "SELECT IS_USED_LOCK('" + name + "')");
            TestDatabases.execute(h.target, "KILL " + holder);
            try (Statement st = rival.createStatement(); var rs = st.executeQuery("SELECT GET_LOCK('" + name + "', 5)")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the second runner got the lock");
            }
            Job failed = h.awaitState(job.getId(), JobState.JOB_STATE_FAILED, 30_000);
            assertTrue(failed.getError().contains("another runner holds the lock"), failed.getError());
            long at = TestDatabases.queryLong(h.target, "SELECT MAX(id) FROM " + h.csmhe());
            assertTrue(at < 20_000, "stopped before the end: " + at);
            Thread.sleep(600);
            assertEquals(at, TestDatabases.queryLong(h.target, "SELECT MAX(id) FROM " + h.csmhe()), "nothing written after it failed");
        }
    }

    /** A copy's growth check watches the old table for seconds; other calls must not wait for it. */
    @Test
    void aCopyPreflightDoesNotHoldUpOtherCalls() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess()) {
            h.configureTarget();
            CompletableFuture<Long> copyReturned = CompletableFuture.supplyAsync(() -> {
                h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(3)
                        .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(0)).build());
                return System.nanoTime();
            });
            Thread.sleep(300);
            long t0 = System.nanoTime();
            Job verify = h.client.startVerify(StartVerifyRequest.newBuilder().setRangeEnd(10).build());
            long verifyReturned = System.nanoTime();
            assertTrue(TimeUnit.NANOSECONDS.toMillis(verifyReturned - t0) < 2_000, "StartVerify waited "
                    + TimeUnit.NANOSECONDS.toMillis(verifyReturned - t0) + " ms");
            assertTrue(verifyReturned < copyReturned.get(30, TimeUnit.SECONDS), "StartVerify returned while the copy preflight was still watching");
            for (long end = System.currentTimeMillis() + 30_000; !org.csmh.agent.job.JobHandle.isTerminal(h.client.getJob(verify.getId()).getState())
                    && System.currentTimeMillis() < end; ) {
                Thread.sleep(50);
            }
        }
    }

    /** A preflight error says which endpoint it came from: here the source account may see the old table but not read it. */
    @Test
    void aPreflightErrorNamesTheEndpointItCameFrom() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 100).startInProcess()) {
            h.configureTarget();
            String user = org.csmh.agent.it.AgentHarness.unique("src");
            TestDatabases.execute(TestDatabases.root(), "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'src-pass'",
                    "GRANT INSERT (state) ON " + h.csmh() + " TO '" + user + "'@'%'");
            Path lms = dir.resolve("lms.yml");
            String text = java.nio.file.Files.readString(lms);
            int at = text.indexOf("USER: csmh_copier");   // DATABASES.default sorts before student_module_history
            text = text.substring(0, at) + "USER: " + user + text.substring(at + "USER: csmh_copier".length());
            java.nio.file.Files.writeString(lms, text.replaceFirst("PASSWORD: 'copier-pw'", "PASSWORD: 'src-pass'"));
            io.grpc.StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> h.client.startCopy(StartCopyRequest.newBuilder().setGrowthCheckSeconds(0).build()));
            assertEquals(io.grpc.Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().contains(user + "@") && e.getStatus().getDescription().contains("(source)"),
                    e.getStatus().getDescription());
            TestDatabases.execute(TestDatabases.root(), "DROP USER '" + user + "'@'%'");
        }
    }
}
