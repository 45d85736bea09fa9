package org.csmh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.testing.TestDatabases;
import org.csmh.proto.v1.ControlJobRequest;
import org.csmh.proto.v1.CopyMode;
import org.csmh.proto.v1.CopyStatement;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobAction;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Pace;
import org.csmh.proto.v1.StartCopyRequest;
import org.csmh.proto.v1.StartVerifyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copy and verify jobs through gRPC against real servers: one server, and two. */
class CopyIT {
    @TempDir
    Path dir;

    static Pace fast(int chunk) {
        return Pace.newBuilder().setChunkSize(chunk).setSleepMs(0).build();
    }

    static StartCopyRequest copy(Pace pace) {
        return StartCopyRequest.newBuilder().setPace(pace).setGrowthCheckSeconds(0).build();
    }

    @Test
    void sameInstanceCopyKeepsIdsAndVerifies() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 12_345).startInProcess()) {
            h.configureTarget();
            Job started = h.client.startCopy(copy(fast(1000)));
            assertEquals(CopyMode.COPY_MODE_SAME_INSTANCE, started.getMode());
            assertEquals(1, started.getRangeStart());
            assertEquals(12_345, started.getRangeEnd());
            List<Job> seen = h.watch(started.getId());
            Job done = seen.get(seen.size() - 1);
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(12_345, done.getRowsDone());
            assertEquals(12_345, done.getCurrentId());
            assertEquals(1.0, done.getProgress());
            assertEquals(13, done.getChunksDone());
            assertTrue(seen.size() > 3, "progress was streamed: " + seen.size());
            assertTrue(seen.stream().anyMatch(j -> j.getState() == JobState.JOB_STATE_RUNNING && j.getCurrentId() > 0 && j.getCurrentId() < 12_345));
            assertEquals(sameRows(h), 12_345);

            Job verify = h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(2000)).build());
            Job verified = last(h.watch(verify.getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, verified.getState(), verified.toString());
            assertEquals(0, verified.getMismatchedRows());
            assertEquals(12_345, verified.getRowsDone());
        }
    }

    @Test
    void crossServerCopyMovesEveryValueExactly() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 5_000).startInProcess()) {
            // Values that break naive text transfer: escapes, NULLs next to empty strings, unicode, extreme doubles.
            TestDatabases.execute(h.source,
                    "UPDATE " + h.csmh() + " SET state = 'tab\\there\\nnew line \\\\ back\\\\slash \\\\N ünï€ode', version = '' WHERE id = 7",
                    "UPDATE " + h.csmh() + " SET state = NULL, version = NULL, grade = NULL, max_grade = 0 WHERE id = 8",
                    "UPDATE " + h.csmh() + " SET grade = 0.1, max_grade = 1.7976931348623157E308, created = '2016-02-29 23:59:59.999999' WHERE id = 9",
                    "UPDATE " + h.csmh() + " SET grade = 4.9E-324, max_grade = -2.5 WHERE id = 10",
                    "UPDATE " + h.csmh() + " SET state = '' WHERE id = 11");
            h.configureTarget();
            Job started = h.client.startCopy(copy(fast(700)));
            assertEquals(CopyMode.COPY_MODE_CROSS_SERVER, started.getMode());
            Job done = last(h.watch(started.getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(5_000, done.getRowsDone());
            assertEquals(rows(h.source, h.csmh()), rows(h.target, h.csmhe()));

            Job verified = last(h.watch(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(900)).build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, verified.getState(), verified.toString());
            assertEquals(5_000, verified.getRowsDone());
        }
    }

    @Test
    void explicitRangeEndIsWhereTheCopyStops() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000).startInProcess()) {
            h.configureTarget();
            Job started = h.client.startCopy(copy(fast(700)).toBuilder().setRangeStart(101).setRangeEnd(2_000).build());
            assertTrue(started.getFixedRangeEnd());
            Job done = last(h.watch(started.getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(1_900, done.getRowsDone());
            assertEquals(2_000, done.getRangeEnd(), "no catch-up pass beyond a given end");
            assertEquals(1_900, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE id BETWEEN 101 AND 2000"));
            assertEquals(1_900, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));

            // Without an end the copy follows max(id): it takes the rest.
            Job rest = h.client.startCopy(copy(fast(700)).toBuilder().setRangeStart(2_001).build());
            assertFalse(rest.getFixedRangeEnd());
            assertEquals(JobState.JOB_STATE_SUCCEEDED, last(h.watch(rest.getId())).getState());
            assertEquals(2_900, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
        }
    }

    @Test
    void crossServerCopyConvertsOtherCharsetsAndRefusesWhatTheTargetCannotHold() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 2_000).startInProcess()) {
            // A latin1 column on the source arrives as the same characters in CSMHE's utf8 column.
            TestDatabases.execute(h.source, "ALTER TABLE " + h.csmh() + " MODIFY version varchar(255) CHARACTER SET latin1 NULL",
                    "UPDATE " + h.csmh() + " SET version = 'café naïve ß' WHERE id = 5");
            h.configureTarget();
            Job done = last(h.watch(h.client.startCopy(copy(fast(600))).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals("café naïve ß", TestDatabases.queryString(h.target, "SELECT version FROM " + h.csmhe() + " WHERE id = 5"));
            assertEquals(rows(h.source, h.csmh()), rows(h.target, h.csmhe()));

            // A character outside utf8mb3 cannot be stored in CSMHE's utf8 column: a hard error, not a '?'.
            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe());
            String smile = new String(Character.toChars(0x1F600));
            TestDatabases.execute(h.source, "ALTER TABLE " + h.csmh() + " MODIFY state longtext CHARACTER SET utf8mb4 NULL",
                    "UPDATE " + h.csmh() + " SET state = 'smile " + smile + "' WHERE id = 1500");
            // Through LOAD DATA (bulk) the server warns, and a warning is an error here; through the prepared INSERTs
            // (simple inserts, MariaDB's lock mode 1) strict mode refuses the value itself.
            for (CopyStatement statement : new CopyStatement[] {CopyStatement.COPY_STATEMENT_BULK, CopyStatement.COPY_STATEMENT_SIMPLE_INSERTS}) {
                TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe() + " WHERE id > 1200");
                Job failed = last(h.watch(h.client.startCopy(copy(fast(600)).toBuilder().setStatement(statement).build()).getId()));
                assertEquals(JobState.JOB_STATE_FAILED, failed.getState(), failed.toString());
                assertTrue(statement == CopyStatement.COPY_STATEMENT_BULK
                        ? failed.getError().contains("warnings are errors") && failed.getError().contains("1366")
                        : failed.getError().contains("Incorrect string value"), statement + ": " + failed.getError());
                assertEquals(1_200, failed.getCurrentId(), "chunks before the bad row stay, its chunk rolled back");
                assertEquals(1_200, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
            }
        }
    }

    @Test
    void crossServerChunkOverTheByteLimitIsCutAndAllRowsArrive() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 40).startInProcess()) {
            // 40 states of 1 MiB with a tab every 4 bytes: ~50 MiB of LOAD DATA text in one 1000-id chunk, over the
            // 32 MiB a chunk may hold in memory, so the reader must hand it over in two parts.
            TestDatabases.execute(h.source, "UPDATE " + h.csmh() + " SET state = REPEAT('ab\\tc', 262144)");
            h.configureTarget();
            // One writer: the reader, the queue and the writer may hold 32 MiB each (less each with more writers).
            Job done = last(h.watch(h.client.startCopy(copy(fast(1000)).toBuilder().setWriters(1).build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(40, done.getRowsDone());
            assertEquals(2, done.getChunksDone(), "one walker chunk, cut in two by the byte limit");
            assertEquals(40, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe() + " WHERE LENGTH(state) = 1048576"
                    + " AND state = REPEAT('ab\\tc', 262144)"));
            Job verified = last(h.watch(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(1000)).build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, verified.getState(), verified.toString());
        }
    }

    @Test
    void writersCommitInIdOrderAndAFailedChunkStopsTheOnesAfterIt() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 20_000).startInProcess()) {
            h.configureTarget();
            // The chunk holding id 10,050 fails on the target while the writers after it have chunks of their own in flight.
            TestDatabases.execute(h.target, "CREATE TRIGGER " + h.targetDb + ".csmh_test_boom BEFORE INSERT ON " + h.csmhe() + " FOR EACH ROW"
                    + " BEGIN IF NEW.id = 10050 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom at 10050'; END IF; END");
            try {
                StartCopyRequest four = copy(fast(100)).toBuilder().setWriters(4).setStatement(CopyStatement.COPY_STATEMENT_SIMPLE_INSERTS).build();
                Job failed = last(h.watch(h.client.startCopy(four).getId()));
                assertEquals(JobState.JOB_STATE_FAILED, failed.getState(), failed.toString());
                assertTrue(failed.getError().contains("boom at 10050"), "the failing chunk's own error: " + failed.getError());
                assertTrue(failed.getWritePath().contains("4 writers committing in id order"), failed.getWritePath());
                assertEquals(10_000, failed.getCurrentId(), "every chunk before the failed one committed");
                assertEquals(10_000, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()));
                assertEquals(10_000, TestDatabases.queryLong(h.target, "SELECT MAX(id) FROM " + h.csmhe()), "no chunk after it committed");
            } finally {
                TestDatabases.execute(h.target, "DROP TRIGGER " + h.targetDb + ".csmh_test_boom");
            }
            // The resume point is sound: the copy goes on from 10,001 and ends with every row, each once.
            Job done = last(h.watch(h.client.startCopy(copy(fast(100)).toBuilder().setWriters(3).build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(rows(h.source, h.csmh()), rows(h.target, h.csmhe()));
        }
    }

    @Test
    void aPaceWithPausesWritesChunkPauseChunkWhateverTheWriters() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 3_000).startInProcess()) {
            h.configureTarget();
            // 6 chunks with 400 ms after each: at least 5 pauses end to end, however many writers could run together.
            long t0 = System.nanoTime();
            StartCopyRequest paced = copy(Pace.newBuilder().setChunkSize(500).setSleepMs(400).build()).toBuilder().setWriters(4).build();
            Job done = last(h.watch(h.client.startCopy(paced).getId()));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(6, done.getChunksDone());
            assertTrue(ms >= 5 * 400, "pauses kept between chunks: " + ms + " ms");
            assertEquals(rows(h.source, h.csmh()), rows(h.target, h.csmhe()));
        }
    }

    @Test
    void crossServerCopyFallsBackToInsertWhenLocalInfileIsOff() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        TestDatabases.execute(second, "SET GLOBAL local_infile = 0");
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 1_500).startInProcess()) {
            TestDatabases.execute(h.source,
                    "UPDATE " + h.csmh() + " SET state = 'tab\\there\\nnew line \\\\ back\\\\slash \\\\N ünï€ode \\r\\0. it''s \\Z \"q\"', version = '' WHERE id = 7",
                    "UPDATE " + h.csmh() + " SET state = '\\\\N', version = NULL, grade = NULL WHERE id = 8",
                    "UPDATE " + h.csmh() + " SET grade = 4.9E-324, max_grade = 1.7976931348623157E308 WHERE id = 9");
            h.configureTarget();
            // Bulk asked for: LOAD DATA would be the statement, but local_infile is off, so prepared INSERTs it is.
            Job done = last(h.watch(h.client.startCopy(copy(fast(400)).toBuilder().setStatement(CopyStatement.COPY_STATEMENT_BULK).build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, done.getState(), done.toString());
            assertEquals(1_500, done.getRowsDone());
            assertTrue(done.getWritePath().startsWith("multi-row INSERT, server-side prepared (the target has local_infile=OFF"), done.getWritePath());
            // Bulk statements under lock mode 1 each hold the AUTO-INC lock: one writer, and the path says why.
            assertTrue(done.getWritePath().endsWith(", 1 writer (innodb_autoinc_lock_mode=1: each bulk statement holds the AUTO-INC lock,"
                    + " writers would take turns)"), done.getWritePath());
            assertEquals(rows(h.source, h.csmh()), rows(h.target, h.csmhe()));
            assertEquals("\\N", TestDatabases.queryString(h.target, "SELECT state FROM " + h.csmhe() + " WHERE id = 8"), "a literal \\N is not NULL");
        } finally {
            TestDatabases.execute(second, "SET GLOBAL local_infile = 1");
        }
    }

    @Test
    void verifyReportsChangedAndMissingRows() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000).startInProcess()) {
            h.configureTarget();
            assertEquals(JobState.JOB_STATE_SUCCEEDED, last(h.watch(h.client.startCopy(copy(fast(1000))).getId())).getState());
            TestDatabases.execute(h.target, "UPDATE " + h.csmhe() + " SET state = 'tampered' WHERE id = 77",
                    "DELETE FROM " + h.csmhe() + " WHERE id = 2500", "UPDATE " + h.csmhe() + " SET grade = NULL WHERE id = 2999 AND grade IS NOT NULL",
                    "UPDATE " + h.csmhe() + " SET version = NULL WHERE id = 1000");
            Job v = last(h.watch(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(500)).build()).getId()));
            assertEquals(JobState.JOB_STATE_FAILED, v.getState());
            List<Long> ids = new ArrayList<>();
            v.getMismatchesList().forEach(m -> ids.addAll(m.getIdsList()));
            long expected = TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh()
                    + " WHERE id IN (77, 2500) OR (id = 2999 AND grade IS NOT NULL) OR (id = 1000 AND version IS NOT NULL)");
            assertEquals(expected, v.getMismatchedRows(), v.toString());
            assertTrue(ids.containsAll(List.of(77L, 2500L)), ids.toString());
            assertTrue(v.getError().contains("rows differ"), v.getError());
            var holding2500 = v.getMismatchesList().stream().filter(m -> m.getRangeStart() <= 2500 && m.getRangeEnd() >= 2500).findFirst().orElseThrow();
            assertEquals(holding2500.getSourceRows() - 1, holding2500.getTargetRows(), holding2500.toString());
        }
    }

    /**
     * An old table in latin1 (its text converted by the copy into CSMHE's utf8) verifies as equal: the checksums sum
     * the same characters, not the bytes of two character sets; a changed accented value is still found.
     */
    @Test
    void verifyComparesTheSameTextAcrossCharacterSets() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess()) {
            TestDatabases.execute(h.source, "ALTER TABLE " + h.csmh() + " CONVERT TO CHARACTER SET latin1",
                    "UPDATE " + h.csmh() + " SET version = 'café naïve ß', state = '{\"answer\": \"Größe\"}' WHERE id IN (5, 1500)");
            h.configureTarget();
            assertEquals(JobState.JOB_STATE_SUCCEEDED, last(h.watch(h.client.startCopy(copy(fast(1000))).getId())).getState());
            assertEquals("café naïve ß", TestDatabases.queryString(h.target, "SELECT version FROM " + h.csmhe() + " WHERE id = 5"));
            Job v = last(h.watch(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(500)).build()).getId()));
            assertEquals(JobState.JOB_STATE_SUCCEEDED, v.getState(), v.toString());
            assertEquals(0, v.getMismatchedRows());

            TestDatabases.execute(h.target, "UPDATE " + h.csmhe() + " SET version = 'cafe naive ss' WHERE id = 1500");
            Job changed = last(h.watch(h.client.startVerify(StartVerifyRequest.newBuilder().setPace(fast(500)).build()).getId()));
            assertEquals(JobState.JOB_STATE_FAILED, changed.getState());
            assertEquals(1, changed.getMismatchedRows(), changed.toString());
            assertEquals(List.of(1500L), changed.getMismatches(0).getIdsList());
        }
    }

    @Test
    void preflightRefusals() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 2_000).startInProcess()) {
            h.configureTarget();
            TestDatabases.execute(h.target, "ALTER TABLE " + h.csmhe() + " AUTO_INCREMENT = 1500");
            StatusRuntimeException gap = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy(fast(1000))));
            assertEquals(Status.Code.FAILED_PRECONDITION, gap.getStatus().getCode());
            assertTrue(gap.getStatus().getDescription().contains("AUTO_INCREMENT is 1500 but old ids go up to 2000"), gap.getStatus().getDescription());
            TestDatabases.execute(h.target, "ALTER TABLE " + h.csmhe() + " AUTO_INCREMENT = 12000");

            StatusRuntimeException range = assertThrows(StatusRuntimeException.class,
                    () -> h.client.startCopy(copy(fast(1000)).toBuilder().setRangeStart(50).setRangeEnd(10).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, range.getStatus().getCode());

            // The LMS still writing the old table: max(id) grows during the growth check.
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    TestDatabases.execute(h.source, "INSERT INTO " + h.csmh() + " (created, student_module_id) VALUES (NOW(6), 1)");
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            writer.start();
            try {
                StatusRuntimeException growing = assertThrows(StatusRuntimeException.class,
                        () -> h.client.startCopy(copy(fast(1000)).toBuilder().setGrowthCheckSeconds(1).build()));
                assertEquals(Status.Code.FAILED_PRECONDITION, growing.getStatus().getCode());
                assertTrue(growing.getStatus().getDescription().contains("the LMS still writes the old table"), growing.getStatus().getDescription());
            } finally {
                stop.set(true);
                writer.join();
            }

            // Another runner anywhere in the fleet holds the lock.
            try (Connection other = new ConnectionFactory(5000).open(h.target); Statement st = other.createStatement()) {
                st.execute("SELECT GET_LOCK('csmh-agent/copy/" + h.targetDb + "', 0)");
                StatusRuntimeException locked = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy(fast(1000))));
                assertEquals(Status.Code.FAILED_PRECONDITION, locked.getStatus().getCode());
                assertTrue(locked.getStatus().getDescription().contains("holds the lock"), locked.getStatus().getDescription());
            }
            assertEquals(0, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "refusals copied nothing");

            TestDatabases.execute(h.target, "DROP TABLE " + h.csmhe());
            StatusRuntimeException noTable = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy(fast(1000))));
            assertTrue(noTable.getStatus().getDescription().contains("run the migrations first"), noTable.getStatus().getDescription());
        }
    }

    @Test
    void strayRowsInTheRangeAreHardErrors() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000).startInProcess()) {
            h.configureTarget();
            // A row with an old id that the copy did not write, present before the copy starts: refused before any job.
            TestDatabases.execute(h.target, "INSERT INTO " + h.csmhe() + " (id, created, student_module_id) VALUES (2500, NOW(6), 1)");
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> h.client.startCopy(copy(fast(1000))));
            assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription().contains("holds rows at ids 2500..2500"), refused.getStatus().getDescription());
            assertEquals(1, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "nothing copied");

            // One that appears while the copy runs: the chunk that meets it fails on the duplicate key.
            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe());
            Job job = h.client.startCopy(copy(Pace.newBuilder().setChunkSize(500).setSleepMs(300).build()));
            h.awaitProgress(job.getId(), 500, 10_000);
            TestDatabases.execute(h.target, "INSERT INTO " + h.csmhe() + " (id, created, student_module_id) VALUES (2900, NOW(6), 1)");
            Job failed = last(h.watch(job.getId()));
            assertEquals(JobState.JOB_STATE_FAILED, failed.getState());
            assertTrue(failed.getError().contains("duplicate id in the target within ids 2501..3000"), failed.getError());
            assertEquals(2500, failed.getCurrentId(), "chunks before the duplicate stay committed");
            assertEquals(2501, TestDatabases.queryLong(h.target, "SELECT COUNT(*) FROM " + h.csmhe()), "the failing chunk rolled back whole");
        }
    }

    @Test
    void pauseResumeRetuneCancelAndManyWatchers() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 20_000).startInProcess()) {
            h.configureTarget();
            Job job = h.client.startCopy(copy(Pace.newBuilder().setChunkSize(500).setSleepMs(100).build()));
            List<List<Job>> watched = new ArrayList<>();
            List<Thread> watchers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<Job> seen = java.util.Collections.synchronizedList(new ArrayList<>());
                watched.add(seen);
                Thread t = new Thread(() -> seen.addAll(h.watch(job.getId())));
                t.start();
                watchers.add(t);
            }
            h.awaitProgress(job.getId(), 1, 10_000);
            Job paused = h.client.control(ControlJobRequest.newBuilder().setId(job.getId()).setAction(JobAction.JOB_ACTION_PAUSE).build());
            assertEquals(JobState.JOB_STATE_PAUSED, paused.getState());
            // A pause takes effect after the chunk in flight; then nothing moves for as long as anyone watches.
            long at = awaitSteady(h, job.getId());
            Thread.sleep(600);
            assertEquals(at, h.client.getJob(job.getId()).getCurrentId(), "no progress while paused");
            assertTrue(at < 20_000);

            Job retuned = h.client.control(ControlJobRequest.newBuilder().setId(job.getId()).setAction(JobAction.JOB_ACTION_SET_PACE)
                    .setPace(Pace.newBuilder().setChunkSize(5).setSleepMs(0)).build());
            assertEquals(100, retuned.getPace().getChunkSize(), "chunk size clamped to the minimum");
            h.client.control(ControlJobRequest.newBuilder().setId(job.getId()).setAction(JobAction.JOB_ACTION_SET_PACE)
                    .setPace(Pace.newBuilder().setChunkSize(4000)).build());
            h.client.control(ControlJobRequest.newBuilder().setId(job.getId()).setAction(JobAction.JOB_ACTION_RESUME).build());
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 60_000);
            assertEquals(20_000, done.getRowsDone());
            for (Thread t : watchers) {
                t.join(10_000);
            }
            for (List<Job> seen : watched) {
                assertEquals(JobState.JOB_STATE_SUCCEEDED, seen.get(seen.size() - 1).getState());
                assertTrue(seen.stream().anyMatch(j -> j.getState() == JobState.JOB_STATE_PAUSED));
            }
            StatusRuntimeException late = assertThrows(StatusRuntimeException.class, () -> h.client.control(
                    ControlJobRequest.newBuilder().setId(job.getId()).setAction(JobAction.JOB_ACTION_PAUSE).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, late.getStatus().getCode());
            assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> h.client.getJob("nope")).getStatus().getCode());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> h.client.getJob("x'; --")).getStatus().getCode());

            TestDatabases.execute(h.target, "DELETE FROM " + h.csmhe());
            Job slow = h.client.startCopy(copy(Pace.newBuilder().setChunkSize(100).setSleepMs(200).build()));
            h.awaitState(slow.getId(), JobState.JOB_STATE_RUNNING, 10_000);
            h.client.control(ControlJobRequest.newBuilder().setId(slow.getId()).setAction(JobAction.JOB_ACTION_CANCEL).build());
            Job cancelled = h.awaitState(slow.getId(), JobState.JOB_STATE_CANCELLED, 10_000);
            assertTrue(cancelled.getCurrentId() < 20_000);
            assertEquals(cancelled.getCurrentId(), TestDatabases.queryLong(h.target, "SELECT COALESCE(MAX(id), 0) FROM " + h.csmhe()));
        }
    }

    @Test
    void throttlesWhileThreadsRunningIsHigh() throws Exception {
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), TestDatabases.root(), 3_000).startInProcess()) {
            h.configureTarget();
            Thread busy = TestDatabases.busyFor(h.target, 3);
            Job job = h.client.startCopy(copy(Pace.newBuilder().setChunkSize(1000).setSleepMs(0).setMaxThreadsRunning(1).build()));
            Job j = throttledOnThreads(h, job.getId());
            assertTrue(j.getThrottleReason().matches("Threads_running \\d+ > 1"), j.toString());
            assertEquals(0, j.getRowsDone());
            busy.join();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 30_000);
            assertEquals("", done.getThrottleReason());
            assertEquals(3_000, done.getRowsDone());
        }
    }

    /** A cross-server verify reads the LMS's production primary too: a busy source throttles it, as it does a copy. */
    @Test
    void crossServerVerifyThrottlesWhileTheSourceIsBusy() throws Exception {
        Endpoint second = TestDatabases.secondSandbox().rootEndpoint();
        try (CopyHarness h = new CopyHarness(dir, TestDatabases.root(), second, 3_000).startInProcess()) {
            h.configureTarget();
            assertEquals(JobState.JOB_STATE_SUCCEEDED, last(h.watch(h.client.startCopy(copy(fast(1000))).getId())).getState());
            Thread busy = TestDatabases.busyFor(h.source, 3);
            Job job = h.client.startVerify(StartVerifyRequest.newBuilder()
                    .setPace(Pace.newBuilder().setChunkSize(1000).setSleepMs(0).setMaxThreadsRunning(1)).build());
            Job j = throttledOnThreads(h, job.getId());
            assertTrue(j.getThrottleReason().matches("Threads_running \\d+ > 1 on the source"), j.toString());
            assertEquals(0, j.getRowsDone());
            busy.join();
            Job done = h.awaitState(job.getId(), JobState.JOB_STATE_SUCCEEDED, 30_000);
            assertEquals("", done.getThrottleReason());
            assertEquals(3_000, done.getRowsDone());
        }
    }

    /** The job once it says it waits on Threads_running, or as it is after 2 s. */
    private static Job throttledOnThreads(CopyHarness h, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 2_000;
        Job j = h.client.getJob(id);
        while (!j.getThrottleReason().startsWith("Threads_running") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            j = h.client.getJob(id);
        }
        return j;
    }

    static Job last(List<Job> seen) {
        return seen.get(seen.size() - 1);
    }

    static long sameRows(CopyHarness h) {
        return TestDatabases.queryLong(h.source, "SELECT COUNT(*) FROM " + h.csmh() + " a JOIN " + h.csmhe() + " b ON a.id = b.id"
                + " AND a.created = b.created AND a.student_module_id = b.student_module_id AND a.state <=> b.state"
                + " AND a.version <=> b.version AND a.grade <=> b.grade AND a.max_grade <=> b.max_grade");
    }

    /** Every row as text, ordered by id; doubles as their exact bit patterns. */
    static Map<Long, String> rows(Endpoint e, String table) throws Exception {
        Map<Long, String> out = new TreeMap<>();
        try (Connection c = new ConnectionFactory(5000).open(e, props()); PreparedStatement ps = c.prepareStatement(
                "SELECT id, version, created, state, grade, max_grade, student_module_id FROM " + table + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                double g = rs.getDouble(5);
                String gs = rs.wasNull() ? "null" : Long.toHexString(Double.doubleToRawLongBits(g));
                double m = rs.getDouble(6);
                String ms = rs.wasNull() ? "null" : Long.toHexString(Double.doubleToRawLongBits(m));
                out.put(rs.getLong(1), rs.getString(2) + "|" + rs.getObject(3, java.time.LocalDateTime.class) + "|" + rs.getString(4)
                        + "|" + gs + "|" + ms + "|" + rs.getLong(7));
            }
        }
        return out;
    }

    private static java.util.Properties props() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("useServerPrepStmts", "true");
        return p;
    }

    /** The job's current id once two readings a chunk apart agree (a paused job finishing its chunk in flight). */
    private static long awaitSteady(CopyHarness h, String id) throws InterruptedException {
        long before = -1;
        for (int i = 0; i < 100; i++) {
            long now = h.client.getJob(id).getCurrentId();
            if (now == before) {
                return now;
            }
            before = now;
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " kept moving while paused");
    }
}
