package org.csmh.agent.purge;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;

/**
 * Chooses how a purge's chunks decide what CSMHE holds, once per pass: one joined DELETE where the purging account
 * reads CSMHE on the same server, the two sides' row hashes compared otherwise (another server, or an account
 * with no rights on the new database, as the LMS's own may be).
 */
final class PurgePaths {
    private static final Logger LOG = Logger.getLogger(PurgePaths.class.getName());

    private PurgePaths() {
    }

    static ChunkPurge open(Connection purging, Connection target, Endpoint purger, Endpoint targetEndpoint) throws SQLException {
        Tables tables = new Tables(purger.database(), targetEndpoint.database());
        Inspector old = new Inspector(purging);
        Inspector copy = new Inspector(target);
        if (old.serverIdentity().equals(copy.serverIdentity())) {
            String unreadable = unreadable(purging, tables);
            if (unreadable == null) {
                return new JoinedPurge(purging, tables, old.textCharsets(tables.sourceDb(), TableNames.CSMH),
                        copy.textCharsets(tables.targetDb(), TableNames.CSMHE));
            }
            LOG.info("event=purge_compares_sides reason=\"" + purger.describe() + " cannot read " + tables.csmhe() + ": " + unreadable + "\"");
        }
        return new ComparedPurge(purging, target, tables);
    }

    /** Why the purging account cannot read CSMHE, or null when it can. */
    private static String unreadable(Connection purging, Tables tables) {
        try (Statement st = purging.createStatement()) {
            st.executeQuery("SELECT id FROM " + tables.csmhe() + " LIMIT 0").close();
            return null;
        } catch (SQLException e) {
            return SqlErrors.firstLine(e);
        }
    }
}
