package org.csmh.agent.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Whether an account may write a table on a server with read_only on, asked of the server itself: accounts with
 * SUPER and the like (READ_ONLY ADMIN on MariaDB, CONNECTION_ADMIN on MySQL) write past read_only, none past
 * super_read_only, and which of them an account holds can come through roles. The question is a write that matches
 * no row. MariaDB checks read_only before privileges, so an account without UPDATE is refused there too, rightly
 * (its INSERTs and DELETEs would be); one allowed past read_only but without UPDATE cannot ask, and is let through.
 */
public final class ReadOnlyProbe {
    private ReadOnlyProbe() {
    }

    /** The server's refusal (its first line) if read_only keeps this connection's account from writing {@code table}. */
    public static Optional<String> refusal(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + table + " SET id = id WHERE FALSE");
            return Optional.empty();
        } catch (SQLException e) {
            if (SqlErrors.isReadOnly(e)) {
                return Optional.of(SqlErrors.firstLine(e));
            }
            if (SqlErrors.kind(e) == SqlErrors.Kind.ACCESS_DENIED) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
