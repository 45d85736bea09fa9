package org.csmh.agent.procedure;

import java.util.List;

/**
 * The steps of the procedure, in order, defined once: GetStatus reports them, `csmhctl run` walks them and the
 * Ansible playbook and modules read their states. Each names the checks its state comes from and the csmhctl
 * command that does it (none for a gate the operator opens by hand).
 */
public enum ProcedureStep {
    DATABASE("database", "database and users exist", "provision", List.of("database_exists", "user_grants")),
    SETTINGS("settings", "lms.yml and studio.yml have DATABASES.student_module_history", "settings", List.of("settings_lms", "settings_cms")),
    CSMH_EXTENDED("csmh_extended", "ENABLE_CSMH_EXTENDED is true (the LMS writes the new table)", "settings --enable-csmh-extended true",
            List.of("flag_csmh_extended")),
    MIGRATIONS("migrations", "migrations ran (the new table exists)", "migrate", List.of("csmhe_table", "migrations_recorded")),
    AUTO_INCREMENT_GAP("auto_increment_gap", "new ids start above every old id", "", List.of("old_ids", "auto_increment_gap")),
    WRITES("writes", "the servers run with the new settings: history is written only to CSMHE", "restart", List.of("writes_observed")),
    COPY("copy", "every old row is in the new table", "copy", List.of("old_table")),
    VERIFY("verify", "a verify passed over every old id after the last copy", "verify", List.of("old_table")),
    CUTOVER("cutover", "reads no longer use the old table", "cutover", List.of("flag_read_multiple")),
    PURGE("purge", "the old table is empty", "purge", List.of("old_table"));

    private final String id;
    private final String title;
    private final String action;
    private final List<String> checks;

    ProcedureStep(String id, String title, String action, List<String> checks) {
        this.id = id;
        this.title = title;
        this.action = action;
        this.checks = checks;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** The csmhctl command that does this step; empty for a gate only the operator can open. */
    public String action() {
        return action;
    }

    public List<String> checks() {
        return checks;
    }

    /** Only with the operator's explicit consent. */
    public boolean destructive() {
        return this == PURGE;
    }
}
