package org.csmh.agent.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.csmh.agent.job.IdRange;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.sandbox.HistorySeeder;
import org.csmh.agent.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** Verify runs both sides at once on its own threads; when one side fails, the other's query is stopped, not left running. */
class VerifySidesIT {
    @Test
    void whenOneSideFailsTheOtherQueryIsCancelledBeforeItsConnectionCloses() throws Exception {
        Endpoint root = TestDatabases.root();
        String db = "verify_sides_" + ProcessHandle.current().pid();
        HistorySeeder.seed(root, db, 2_000, null);
        ConnectionFactory connections = new ConnectionFactory(5000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection locker = connections.open(root.withDatabase(db)); Connection left = connections.open(root.withDatabase(db));
             Connection right = connections.open(root.withDatabase(db)); Statement lock = locker.createStatement()) {
            // The source side's checksum query will wait for this table lock for as long as it is held.
            lock.execute("LOCK TABLES " + TableNames.CSMH + " WRITE");
            ChunkChecksum source = new ChunkChecksum(left, db, TableNames.CSMH);
            ChunkChecksum target = new ChunkChecksum(right, db, "no_such_table");
            // A race: the failing side can fail before the blocked side's statement reaches the server. Many rounds.
            for (int round = 0; round < 30; round++) {
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> VerifyRunner.bothSides(pool, source, target, new IdRange(1, 1000)));
                assertEquals(1146, e.getErrorCode(), "the first failure is the one reported: " + e);
                assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 10, "returned without waiting for the blocked side");
                assertEquals(0, blockedChecksums(root, db), "the blocked checksum query was stopped (round " + round + ")");
            }
            lock.execute("UNLOCK TABLES");
        } finally {
            pool.shutdownNow();
            TestDatabases.execute(root, "DROP DATABASE IF EXISTS " + db);
        }
    }

    /**
     * This test's checksum queries the server still lists (only its own database's: a query of another test's job
     * is not this one's), given a moment to drop one it has ended: the server sends a killed statement's error
     * before it clears the statement from its process list, so the client can see the failure first. A statement
     * that was never stopped stays listed for as long as the table lock is held.
     */
    private static long blockedChecksums(Endpoint root, String db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            long n = TestDatabases.queryLong(root, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" + db
                    + "' AND INFO LIKE '%BIT_XOR%' AND INFO NOT LIKE '%PROCESSLIST%'");
            if (n == 0 || System.nanoTime() > deadline) {
                return n;
            }
            Thread.sleep(20);
        }
    }

    /**
     * The race itself, forced: the source side starts 300 ms late, after the target side has failed and cancelled
     * it, so the first cancel finds nothing to kill and the late statement would wait for the table lock forever.
     */
    @Test
    void aCancelThatArrivesBeforeTheStatementStillStopsIt() throws Exception {
        Endpoint root = TestDatabases.root();
        String db = "verify_late_" + ProcessHandle.current().pid();
        HistorySeeder.seed(root, db, 100, null);
        ConnectionFactory connections = new ConnectionFactory(5000);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService lateFirstSide = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable task) {
                boolean late = first.getAndSet(false);
                threads.execute(() -> {
                    if (late) {
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    task.run();
                });
            }

            @Override
            public void shutdown() {
                threads.shutdown();
            }

            @Override
            public java.util.List<Runnable> shutdownNow() {
                return threads.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return threads.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return threads.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return threads.awaitTermination(timeout, unit);
            }
        };
        try (Connection locker = connections.open(root.withDatabase(db)); Connection left = connections.open(root.withDatabase(db));
             Connection right = connections.open(root.withDatabase(db)); Statement lock = locker.createStatement()) {
            lock.execute("LOCK TABLES " + TableNames.CSMH + " WRITE");
            try {
                ChunkChecksum source = new ChunkChecksum(left, db, TableNames.CSMH);
                ChunkChecksum target = new ChunkChecksum(right, db, "no_such_table");
                SQLException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                        () -> assertThrows(SQLException.class, () -> VerifyRunner.bothSides(lateFirstSide, source, target, new IdRange(1, 100))),
                        "the late statement was never stopped");
                assertEquals(1146, e.getErrorCode(), e.toString());
            } finally {
                // Lets a statement that was never stopped finish, so a regression fails here instead of hanging the build.
                lock.execute("UNLOCK TABLES");
            }
        } finally {
            threads.shutdownNow();
            TestDatabases.execute(root, "DROP DATABASE IF EXISTS " + db);
        }
    }
}
