package org.csmh.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.csmh.agent.job.JobNotFoundException;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.util.InvalidInputException;
import org.csmh.agent.util.PreconditionException;
import org.junit.jupiter.api.Test;

/** One mapping from what went wrong to a gRPC status, case by case; the same classification decides job retries. */
class ErrorStatusTest {
    private static final Endpoint DB = new Endpoint("source", "127.0.0.1", 3306, "u", "p", "edxapp");

    private static Status.Code sql(int code, String state) {
        return ErrorStatus.of("T", DatabaseAccessException.from(DB, "test", new SQLException("m", state, code))).getStatus().getCode();
    }

    @Test
    void databaseErrorsByKind() {
        assertEquals(Status.Code.ABORTED, sql(1205, "HY000"), "lock wait timeout");
        assertEquals(Status.Code.ABORTED, sql(1213, "40001"), "deadlock");
        assertEquals(Status.Code.UNAVAILABLE, sql(2013, "HY000"), "lost connection");
        assertEquals(Status.Code.UNAVAILABLE, sql(0, "08S01"), "connection class");
        assertEquals(Status.Code.UNAVAILABLE, sql(1040, "08004"), "too many connections");
        assertEquals(Status.Code.PERMISSION_DENIED, sql(1045, "28000"), "access denied");
        assertEquals(Status.Code.PERMISSION_DENIED, sql(1142, "42000"), "command denied on a table");
        assertEquals(Status.Code.FAILED_PRECONDITION, sql(1146, "42S02"), "no such table");
        assertEquals(Status.Code.UNAVAILABLE, ErrorStatus.of("T", DatabaseAccessException.from(DB, "test",
                new SQLTransientConnectionException("gone"))).getStatus().getCode());
    }

    @Test
    void retriesInsideJobsFollowTheSameKinds() {
        assertTrue(SqlErrors.isTransient(new SQLException("m", "HY000", 1205)));
        assertTrue(SqlErrors.isTransient(new SQLException("m", "40001", 1213)));
        assertTrue(SqlErrors.isTransient(DatabaseAccessException.from(DB, "t", new SQLException("m", "HY000", 1213))));
        assertTrue(SqlErrors.isTransient(new SQLException("m", "08S01", 0)));
        assertTrue(!SqlErrors.isTransient(new SQLException("m", "42S02", 1146)));
        assertTrue(!SqlErrors.isTransient(new SQLException("m", "28000", 1045)));
    }

    @Test
    void domainErrors() {
        assertEquals(Status.Code.INVALID_ARGUMENT, ErrorStatus.of("T", new InvalidInputException("x")).getStatus().getCode());
        assertEquals(Status.Code.FAILED_PRECONDITION, ErrorStatus.of("T", new PreconditionException("x")).getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, ErrorStatus.of("T", new JobNotFoundException("x")).getStatus().getCode());
        Status internal = ErrorStatus.of("T", new IllegalStateException("bug")).getStatus();
        assertEquals(Status.Code.INTERNAL, internal.getCode());
        assertTrue(internal.getDescription().contains("IllegalStateException: bug"), internal.getDescription());
    }

    @Test
    void descriptionsAreBounded() {
        String huge = "x".repeat(1 << 20);
        Status s = ErrorStatus.of("T", new InvalidInputException("bad value " + huge)).getStatus();
        assertTrue(s.getDescription().length() < ErrorStatus.MAX_DESCRIPTION + 64, "length " + s.getDescription().length());
        assertTrue(s.getDescription().endsWith("more characters)"), s.getDescription().substring(s.getDescription().length() - 40));
    }
}
