package org.csmh.agent.provision;

/** One statement to run, with the text safe to show (passwords replaced). */
public record PlannedStatement(String sql, String shown) {
    public static final String MASK = "'********'";

    public static PlannedStatement plain(String sql) {
        return new PlannedStatement(sql, sql);
    }

    @Override
    public String toString() {
        return shown;
    }
}
