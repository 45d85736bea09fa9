package org.csmh.agent.provision;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.csmh.agent.mysql.GrantParser;
import org.csmh.agent.mysql.SqlNames;

/** Read-only facts about schemas and accounts, from an administrator's connection. */
final class AccountInspector {
    record Schema(String charset, String collation) {
    }

    record Account(String plugin, String authenticationString) {
    }

    private final Connection connection;

    AccountInspector(Connection connection) {
        this.connection = connection;
    }

    Optional<Schema> schema(String database) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Schema(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    Optional<Account> account(String user, String host) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT plugin, authentication_string FROM mysql.user WHERE User = ? AND Host = ?")) {
            ps.setString(1, user);
            ps.setString(2, host);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Account(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    List<GrantParser.DbGrant> grants(String user, String host) throws SQLException {
        return GrantParser.grants(showGrants(user, host));
    }

    List<GrantParser.TableGrant> tableGrants(String user, String host) throws SQLException {
        return GrantParser.tableGrants(showGrants(user, host));
    }

    private List<String> showGrants(String user, String host) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SHOW GRANTS FOR " + SqlNames.account(user, host))) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }
}
