package org.csmh.agent.provision;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;

/** Creates the CSMH database and its users/grants: inspect, plan, then (unless dry run) apply. */
public final class DatabaseProvisioner {
    private static final Logger LOG = Logger.getLogger(DatabaseProvisioner.class.getName());
    private final ConnectionFactory connections;

    public DatabaseProvisioner(ConnectionFactory connections) {
        this.connections = connections;
    }

    public ProvisionResult provision(Endpoint admin, ProvisionSpec spec) {
        try (Connection c = connections.open(admin.withDatabase(null))) {
            try (Statement st = c.createStatement()) {
                // Literals are quoted by doubling backslashes (SqlNames.quoteString), which is only exact without it.
                st.execute("SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
            }
            ProvisionPlanner planner = new ProvisionPlanner(new AccountInspector(c));
            List<PlannedStatement> plan = planner.plan(spec);
            List<String> shown = plan.stream().map(PlannedStatement::shown).toList();
            if (!spec.dryRun()) {
                for (PlannedStatement s : plan) {
                    try (Statement st = c.createStatement()) {
                        st.execute(s.sql());
                    } catch (SQLException e) {
                        throw DatabaseAccessException.from(admin, "statement '" + s.shown() + "'", e);
                    }
                    LOG.info(() -> "event=provision_statement endpoint=" + admin.describe() + " sql=\"" + s.shown() + "\"");
                }
            }
            return new ProvisionResult(!plan.isEmpty(), shown, planner.warnings(), spec.dryRun());
        } catch (SQLException e) {
            throw DatabaseAccessException.from(admin, "provisioning", e);
        }
    }
}
