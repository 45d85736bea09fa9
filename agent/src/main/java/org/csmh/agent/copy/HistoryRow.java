package org.csmh.agent.copy;

/** One history row in transit between servers. Doubles travel in binary, so they arrive exact. */
record HistoryRow(long id, String version, String created, String state, Double grade, Double maxGrade, long studentModuleId) {
    static final String COLUMNS = "id, version, created, state, grade, max_grade, student_module_id";

    /** Rough heap cost, to bound how much a chunk holds. */
    long weight() {
        return 96 + 2L * ((version == null ? 0 : version.length()) + (state == null ? 0 : state.length()) + created.length());
    }
}
