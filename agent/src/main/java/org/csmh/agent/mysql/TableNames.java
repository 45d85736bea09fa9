package org.csmh.agent.mysql;

/** The two tables the procedure moves rows between. */
public final class TableNames {
    public static final String CSMH = "courseware_studentmodulehistory";
    public static final String CSMHE = "coursewarehistoryextended_studentmodulehistoryextended";

    private TableNames() {
    }
}
