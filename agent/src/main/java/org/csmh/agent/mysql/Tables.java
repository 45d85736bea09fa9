package org.csmh.agent.mysql;

import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.mysql.TableNames;

/** Fully qualified names of the two tables, for one source and one target database. */
public record Tables(String sourceDb, String targetDb) {
    /** The columns both tables share, in the order the copy reads and writes them. */
    public static final String COLUMNS = "id, version, created, state, grade, max_grade, student_module_id";
    public static final int WIDTH = 7;

    public String csmh() {
        return SqlNames.qualified(sourceDb, TableNames.CSMH);
    }

    public String csmhe() {
        return SqlNames.qualified(targetDb, TableNames.CSMHE);
    }
}
