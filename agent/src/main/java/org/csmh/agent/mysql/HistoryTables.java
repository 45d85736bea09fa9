package org.csmh.agent.mysql;

/**
 * DDL of the old and the new history tables as edx-platform's migrations create them (courseware 0001 for CSMH,
 * today's coursewarehistoryextended chain for CSMHE; DjangoSchemaIT checks it against Django building the model).
 * Used to build sandboxes and, where Django is not installed, to create CSMHE the way the migrations would.
 */
public final class HistoryTables {
    private HistoryTables() {
    }

    public static String createCsmh(String database) {
        String t = SqlNames.qualified(database, TableNames.CSMH);
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
     * CSMHE as today's migration chain leaves it (coursewarehistoryextended 0001-0003, with courseware 0011 making
     * StudentModule's id an unsigned bigint): id and student_module_id bigint UNSIGNED; indexes on version and created
     * under Django's generated names and student_module_idx on student_module_id; no foreign key (another database). No
     * character set: as with Django, the table takes its database's (provisioned in the old table's).
     */
    public static String createCsmhe(String database) {
        String t = SqlNames.qualified(database, TableNames.CSMHE);
        return "CREATE TABLE " + t + " ("
                + "`version` varchar(255) NULL, "
                + "`created` datetime(6) NOT NULL, "
                + "`state` longtext NULL, "
                + "`grade` double precision NULL, "
                + "`max_grade` double precision NULL, "
                + "`id` bigint UNSIGNED AUTO_INCREMENT NOT NULL PRIMARY KEY, "
                + "`student_module_id` bigint UNSIGNED NOT NULL, "
                + "KEY `coursewarehistoryextended_s_version_d66288c3` (`version`), "
                + "KEY `coursewarehistoryextended_s_created_2cf0c3be` (`created`), "
                + "KEY `student_module_idx` (`student_module_id`)"
                + ") ENGINE=InnoDB";
    }
}
