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
            ChunkChecksum source = new ChunkChecksum(left, TableNames.CSMH);
            ChunkChecksum target = new ChunkChecksum(right, "no_such_table");
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> VerifyRunner.bothSides(pool, source, target, new IdRange(1, 1000)));
            assertEquals(1146, e.getErrorCode(), "the first failure is the one reported: " + e);
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 10, "returned without waiting for the blocked side");
            assertEquals(0, TestDatabases.queryLong(root, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%BIT_XOR%'"
                    + " AND INFO NOT LIKE '%PROCESSLIST%'"), "the blocked checksum query was stopped");
            lock.execute("UNLOCK TABLES");
        } finally {
            pool.shutdownNow();
            TestDatabases.execute(root, "DROP DATABASE IF EXISTS " + db);
        }
    }
}
