package org.csmh.agent.copy;

import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;

/** Fully qualified names of the two tables, for one source and one target database. */
record Tables(String sourceDb, String targetDb) {
    String csmh() {
        return SqlNames.quoteIdentifier(sourceDb) + "." + SqlNames.quoteIdentifier(TableNames.CSMH);
    }

    String csmhe() {
        return SqlNames.quoteIdentifier(targetDb) + "." + SqlNames.quoteIdentifier(TableNames.CSMHE);
    }
}
