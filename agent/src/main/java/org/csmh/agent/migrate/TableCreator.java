package org.csmh.agent.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import org.csmh.agent.mysql.ConnectionFactory;
import org.csmh.agent.mysql.DatabaseAccessException;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.HistoryTables;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;

/**
 * Without Django: what coursewarehistoryextended's migration 0001 does to the database. Creates CSMHE and sets its
 * AUTO_INCREMENT to max(CSMH.id) + offset so copied rows keep their ids and new rows start above them, and records
 * the migrations in django_migrations there as Django would (MigrationHistory), so a later real migrate is a no-op.
 */
public final class TableCreator {
    private static final Logger LOG = Logger.getLogger(TableCreator.class.getName());
    private final ConnectionFactory connections;

    public TableCreator(ConnectionFactory connections) {
        this.connections = connections;
    }

    /** @return the statements run; empty when CSMHE already existed and its migrations were recorded */
    public java.util.List<String> create(Endpoint source, Endpoint ddl, long offset) {
        return create(source, ddl, offset, new java.util.ArrayList<>());
    }

    /** @param notes gets what was left undone and why (an index build the operator must choose to run) */
    public java.util.List<String> create(Endpoint source, Endpoint ddl, long offset, java.util.List<String> notes) {
        try (Connection src = connections.open(source); Connection c = connections.open(ddl)) {
            Inspector target = new Inspector(c);
            if (target.tableExists(ddl.database(), TableNames.CSMHE)) {
                // Made earlier (by an agent that did not record it yet, or by Django, which did, an older deploy's
                // perhaps, before 0003): brought to the chain's end state where that is quick, then what is missing
                // recorded, never a migration whose end state the table lacks.
                java.util.List<String> ran = new java.util.ArrayList<>();
                StudentModuleIndex.Outcome index = StudentModuleIndex.bring(c, ddl.database(), target.serverFacts());
                ran.addAll(index.statements());
                boolean at0003 = StudentModuleIndex.atEndState(StudentModuleIndex.indexesOnColumn(c, ddl.database()));
                ran.addAll(MigrationHistory.record(c, ddl.database(), at0003 ? java.util.List.of() : java.util.List.of(MigrationHistory.LAST)));
                if (index.note() != null) {
                    LOG.warning("event=csmhe_0003_not_recorded db=" + ddl.database() + " reason=\"" + index.note() + "\"");
                    notes.add(index.note());
                }
                return ran;
            }
            long max = new Inspector(src).maxId(source.database(), TableNames.CSMH).orElse(0L);
            String create = HistoryTables.createCsmhe(ddl.database());
            String bump = "ALTER TABLE " + SqlNames.qualified(ddl.database(), TableNames.CSMHE)
                    + " AUTO_INCREMENT = " + (max + offset);
            try (Statement st = c.createStatement()) {
                st.execute(create);
                st.execute(bump);
            }
            LOG.info("event=csmhe_created db=" + ddl.database() + " auto_increment=" + (max + offset));
            java.util.List<String> ran = new java.util.ArrayList<>(java.util.List.of(create, bump));
            ran.addAll(MigrationHistory.record(c, ddl.database()));
            return ran;
        } catch (SQLException e) {
            throw DatabaseAccessException.from(ddl, "creating " + TableNames.CSMHE, e);
        }
    }
}
