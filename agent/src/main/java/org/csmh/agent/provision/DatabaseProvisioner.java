package org.csmh.agent.provision;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import java.util.Optional;
import java.util.function.Supplier;

/** Creates the CSMH database and its users/grants: inspect, plan, then (unless dry run) apply. */
public final class DatabaseProvisioner {
    private static final Logger LOG = Logger.getLogger(DatabaseProvisioner.class.getName());
    private final ConnectionFactory connections;
    private final Supplier<Optional<String>> oldTableCharset;

    /** @param oldTableCharset the old table's character set, the default for the new database (empty when unknown) */
    public DatabaseProvisioner(ConnectionFactory connections, Supplier<Optional<String>> oldTableCharset) {
        this.connections = connections;
        this.oldTableCharset = oldTableCharset;
    }

    public ProvisionResult provision(Endpoint admin, ProvisionSpec requested) {
        List<String> notes = new java.util.ArrayList<>();
        ProvisionSpec spec = requested;
        if (requested.charset() == null) {
            // The rows come from the old table: a database in its character set takes every value as it is.
            Optional<String> cs = oldTableCharset.get();
            spec = requested.withCharset(cs.orElse(ProvisionSpec.DEFAULT_CHARSET));
            if (cs.isEmpty()) {
                notes.add("the old table's character set could not be read; the database gets " + ProvisionSpec.DEFAULT_CHARSET
                        + " (give charset to choose)");
            }
        }
        ProvisionResult result = apply(admin, spec);
        if (notes.isEmpty()) {
            return result;
        }
        List<String> warnings = new java.util.ArrayList<>(result.warnings());
        warnings.addAll(notes);
        return new ProvisionResult(result.changed(), result.statements(), warnings, result.dryRun());
    }

    /** Whether the account logs in with this password from here (to the admin endpoint's server). */
    private boolean logsIn(Endpoint admin, String user, String password) {
        try (Connection probe = connections.open(new Endpoint("password check", admin.host(), admin.port(), user, password, null, admin.tls()))) {
            return probe.isValid(2);
        } catch (RuntimeException | SQLException e) {
            return false;
        }
    }

    private ProvisionResult apply(Endpoint admin, ProvisionSpec spec) {
        try (Connection c = connections.open(admin.withDatabase(null))) {
            try (Statement st = c.createStatement()) {
                // Literals are quoted by doubling backslashes (SqlNames.quoteString), which is only exact without it.
                st.execute("SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
            }
            ProvisionPlanner planner = new ProvisionPlanner(new AccountInspector(c), (user, password) -> logsIn(admin, user, password));
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
