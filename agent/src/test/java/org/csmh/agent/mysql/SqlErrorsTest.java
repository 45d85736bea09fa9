package org.csmh.agent.mysql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The server's ways of saying it is out of space, as MariaDB 10.11 and MySQL 8.0 word them. */
class SqlErrorsTest {
    @Test
    void outOfSpaceAsTheServersSayIt() {
        assertTrue(SqlErrors.isOutOfSpace(new SQLException("The table 'coursewarehistoryextended_studentmodulehistoryextended' is full", "HY000", 1114)));
        assertTrue(SqlErrors.isOutOfSpace(new SQLException("Disk full (/var/tmp/#sql_1.MAI); waiting for someone to free some space...", "HY000", 1021)));
        assertTrue(SqlErrors.isOutOfSpace(new SQLException("Error writing file '/var/lib/mysql/binlog.000003' (Errcode: 28 \"No space left on device\")", "HY000", 3)));
        assertTrue(SqlErrors.isOutOfSpace(new SQLException("Error writing file './binlog.000002' (errno: 28 - No space left on device)", "HY000", 1026)));
        assertTrue(SqlErrors.isOutOfSpace(new SQLException("Got error 28 \"No space left on device\" from storage engine InnoDB", "HY000", 1030)));
        assertFalse(SqlErrors.isOutOfSpace(new SQLException("Got error 280 from storage engine", "HY000", 1030)));
        assertFalse(SqlErrors.isOutOfSpace(new SQLException("Duplicate entry '28' for key 'PRIMARY'", "23000", 1062)));
        assertFalse(SqlErrors.isOutOfSpace(new SQLException(null, "HY000", 1205)));
    }

    @Test
    void readOnlyIsWaitedOutInsideJobsAndOtherOptionRefusalsAreNot() {
        SQLException mysql = new SQLException("The MySQL server is running with the --super-read-only option so it cannot execute this statement", "HY000", 1290);
        SQLException mariadb = new SQLException("The MariaDB server is running with the --read-only option so it cannot execute this statement", "HY000", 1290);
        SQLException filePriv = new SQLException("The MySQL server is running with the --secure-file-priv option so it cannot execute this statement", "HY000", 1290);
        assertTrue(SqlErrors.isReadOnly(mysql));
        assertTrue(SqlErrors.isTransient(mysql));
        assertTrue(SqlErrors.isTransient(new RuntimeException("chunk failed", mariadb)));
        assertFalse(SqlErrors.isReadOnly(filePriv));
        assertFalse(SqlErrors.isTransient(filePriv));
        assertFalse(SqlErrors.isTransient(new SQLException("Duplicate entry '28' for key 'PRIMARY'", "23000", 1062)));
    }
}
