package org.csmh.agent.mysql;

/**
 * DDL of the old and the new history tables as edx-platform's migrations create them (courseware 0001 for CSMH,
 * coursewarehistoryextended 0001/0002 for CSMHE). Used to build sandboxes and, where Django is not installed,
 * to create CSMHE the way the migration would.
 */
public final class HistoryTables {
    private HistoryTables() {
    }

    public static String createCsmh(String database) {
        String t = SqlNames.quoteIdentifier(database) + "." + SqlNames.quoteIdentifier(TableNames.CSMH);
        return "CREATE TABLE " + t + " ("
                + "`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                + "`version` varchar(255) NULL, "
                + "`created` datetime(6) NOT NULL, "
                + "`state` longtext NULL, "
                + "`grade` double precision NULL, "
                + "`max_grade` double precision NULL, "
                + "`student_module_id` int NOT NULL, "
                + "KEY `courseware_studentmodulehistory_version_d3823ad1` (`version`), "
                + "KEY `courseware_studentmodulehistory_created_19cb94d2` (`created`), "
                + "KEY `courseware_studentmod_student_module_id_6ffc1d2e_fk_coursewar` (`student_module_id`)"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8";
    }

    /**
     * CSMHE: bigint unsigned id; student_module is a foreign key without a database constraint (other database). No
     * character set: as with Django's migration, the table takes its database's (provisioned in the old table's).
     */
    public static String createCsmhe(String database) {
        String t = SqlNames.quoteIdentifier(database) + "." + SqlNames.quoteIdentifier(TableNames.CSMHE);
        return "CREATE TABLE " + t + " ("
                + "`version` varchar(255) NULL, "
                + "`created` datetime(6) NOT NULL, "
                + "`state` longtext NULL, "
                + "`grade` double precision NULL, "
                + "`max_grade` double precision NULL, "
                + "`id` bigint UNSIGNED AUTO_INCREMENT NOT NULL PRIMARY KEY, "
                + "`student_module_id` integer NOT NULL, "
                + "KEY `coursewarehistoryextended_studentmodulehistoryextended_2af72f10` (`version`), "
                + "KEY `coursewarehistoryextended_studentmodulehistoryextended_e2fa5388` (`created`), "
                + "KEY `coursewarehistoryextended_student_module_id_61b23a7a_uniq` (`student_module_id`)"
                + ") ENGINE=InnoDB";
    }
}
