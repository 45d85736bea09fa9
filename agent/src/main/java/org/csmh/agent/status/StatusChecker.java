package org.csmh.agent.status;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.csmh.agent.config.EndpointResolver;
import org.csmh.agent.migrate.MigrationHistory;
import org.csmh.agent.mysql.DataSources;
import org.csmh.agent.mysql.Endpoint;
import org.csmh.agent.mysql.GrantParser;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.TableNames;
import org.csmh.agent.mysql.Tables;
import org.csmh.agent.verify.OldIdRows;
import org.csmh.agent.settings.FeatureFlag;
import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.status.Check.State;

/**
 * Walks the procedure top to bottom and reports each step as a check. Read-only; a step that cannot be checked
 * is FAILED with the reason, and the walk goes on so the operator sees the whole list.
 */
public final class StatusChecker {
    static final Set<String> RUNTIME_PRIVS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE");
    private static final List<String> REQUIRED_KEYS = List.of("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT");

    private final LmsSettingsEditor settings;
    private final EndpointResolver endpoints;
    private final DataSources connections;
    private final java.util.function.Supplier<Check> writes;

    /** @param writes the write observation's check (where the servers write, as the database shows it) */
    public StatusChecker(LmsSettingsEditor settings, EndpointResolver endpoints, DataSources connections, java.util.function.Supplier<Check> writes) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.connections = connections;
        this.writes = writes;
    }

    public List<Check> check(boolean exactRowCount) {
        List<Check> out = new ArrayList<>();
        settingsChecks(out);
        Long oldMax = sourceChecks(out, exactRowCount);
        targetChecks(out, oldMax);
        out.add(writes.get());
        return out;
    }

    private Map<String, Object> settingsChecks(List<Check> out) {
        Map<String, Object> lms = fileCheck(out, "settings_lms", "lms.yml has DATABASES.student_module_history", settings.lmsYml());
        if (settings.cmsYml() != null) {
            fileCheck(out, "settings_cms", "cms.yml has DATABASES.student_module_history", settings.cmsYml());
        }
        // As edx-platform reads them: FEATURES over the top level, true where absent (so a file without
        // ENABLE_CSMH_EXTENDED writes CSMHE, and one without the reading flag still reads the old table).
        FeatureFlag extended = FeatureFlag.read(lms, FeatureFlag.CSMH_EXTENDED);
        out.add(flagCheck("flag_csmh_extended", "ENABLE_CSMH_EXTENDED is true", extended, Boolean.TRUE.equals(extended.effective())));
        FeatureFlag multi = FeatureFlag.read(lms, FeatureFlag.READ_MULTIPLE);
        out.add(flagCheck("flag_read_multiple", "ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES is false (cutover)", multi,
                Boolean.FALSE.equals(multi.effective())));
        return lms;
    }

    private Map<String, Object> fileCheck(List<Check> out, String id, String title, Path file) {
        if (file == null) {
            out.add(new Check(id, title, State.FAILED, "no lms_yml configured for the agent"));
            return Map.of();
        }
        try {
            Map<String, Object> doc = settings.read(file);
            Map<?, ?> smh = doc.get("DATABASES") instanceof Map<?, ?> dbs && dbs.get("student_module_history") instanceof Map<?, ?> m ? m : null;
            if (smh == null) {
                out.add(new Check(id, title, State.PENDING, file + ": not present"));
            } else {
                List<String> missing = REQUIRED_KEYS.stream().filter(k -> smh.get(k) == null).toList();
                out.add(missing.isEmpty()
                        ? new Check(id, title, State.OK, file + ": " + smh.get("USER") + "@" + smh.get("HOST") + ":" + smh.get("PORT") + "/" + smh.get("NAME"))
                        : new Check(id, title, State.FAILED, file + ": missing " + String.join(", ", missing)));
            }
            return doc;
        } catch (RuntimeException e) {
            out.add(new Check(id, title, State.FAILED, e.getMessage()));
            return Map.of();
        }
    }

    /**
     * A flag as edx-platform runs with it: the effective value and where it comes from (fields effective, source), and
     * what the file says where (value, place). Set in both places with different values, it is a failure the operator
     * must see, although FEATURES wins: an edit settles it (both places get the requested value).
     */
    private static Check flagCheck(String id, String title, FeatureFlag flag, boolean ok) {
        Map<String, String> fields = new java.util.TreeMap<>(valueField(flag.value()));
        fields.put("place", flag.place().name().toLowerCase());
        fields.put("effective", String.valueOf(flag.effective()));
        fields.put("source", flag.source().name().toLowerCase());
        if (flag.conflict() != null) {
            return new Check(id, title, State.FAILED, flag.conflict() + ": edx-platform runs with " + flag.effective() + " (FEATURES wins);"
                    + " setting the flag (csmhctl settings, cutover or rollback) writes one value to both places", fields);
        }
        String detail = flag.place() == FeatureFlag.Place.ABSENT ? "value: absent (edx-platform default: true)"
                : "value: " + flag.effective() + " (" + flag.place().words() + ")";
        return new Check(id, title, ok ? State.OK : State.PENDING, detail, fields);
    }

    private static Map<String, String> valueField(Object value) {
        return value == null ? Map.of() : Map.of("value", String.valueOf(value));
    }

    /** Old table facts on the source (DATABASES.default); returns max(id) or null. */
    private Long sourceChecks(List<Check> out, boolean exact) {
        String title = "old table " + TableNames.CSMH;
        try {
            Endpoint source = endpoints.resolve("source");
            try (Connection c = connections.open(source)) {
                Inspector in = new Inspector(c);
                guarded(out, "source_server", "source server (the old table)", () -> out.add(withTransactions(serverCheck("source_server",
                        "source server (the old table)", in.serverFacts(), false, source, in.connectionTls()), in.seesOpenTransactions())));
                if (!in.tableExists(source.database(), TableNames.CSMH)) {
                    out.add(new Check("old_table", title, State.INFO, "not found in " + source.database(), Map.of("exists", "false")));
                    return null;
                }
                OptionalLong max = in.maxId(source.database(), TableNames.CSMH);
                // An empty table's count is known without counting; MySQL 8's estimate can lag a purge by up to a day.
                boolean known = exact || max.isEmpty();
                long rows = max.isEmpty() ? 0 : exact ? in.exactRows(source.database(), TableNames.CSMH)
                        : in.estimatedRows(source.database(), TableNames.CSMH);
                Map<String, String> fields = new java.util.TreeMap<>(Map.of("exists", "true", "rows", Long.toString(rows),
                        "rows_exact", Boolean.toString(known)));
                max.ifPresent(m -> fields.put("max_id", Long.toString(m)));
                in.tableCharset(source.database(), TableNames.CSMH).ifPresent(cs -> fields.put("charset", cs));
                out.add(new Check("old_table", title, State.INFO, (known ? "rows: " : "rows (estimate): ") + rows
                        + ", max(id): " + (max.isPresent() ? max.getAsLong() : "none (empty)"), fields));
                return max.isPresent() ? max.getAsLong() : 0L;
            }
        } catch (SQLException | RuntimeException e) {
            out.add(new Check("old_table", title, State.FAILED, e.getMessage()));
            return null;
        }
    }

    private void targetChecks(List<Check> out, Long oldMax) {
        Endpoint target;
        try {
            target = endpoints.resolve("target");
        } catch (RuntimeException e) {
            out.add(new Check("database_exists", "database for student_module_history exists", State.PENDING, e.getMessage()));
            return;
        }
        String db = target.database();
        String title = "database " + db + " exists";
        try (Connection c = connections.open(target.withDatabase(null))) {
            Inspector in = new Inspector(c);
            if (!in.schemaExists(db)) {
                out.add(new Check("database_exists", title, State.PENDING, "not found on " + target.describe()));
                return;
            }
            out.add(new Check("database_exists", title, State.OK, "on " + target.describe()));
            // Each later check reports its own failure under its own id, so no id appears twice.
            guarded(out, "user_grants", "runtime user " + target.user() + " has SELECT, INSERT, UPDATE, DELETE on " + db,
                    () -> grantsCheck(out, in, target));
            String table = "table " + TableNames.CSMHE + " exists (migrations ran)";
            guarded(out, "csmhe_table", table, () -> out.add(in.tableExists(db, TableNames.CSMHE)
                    ? new Check("csmhe_table", table, State.OK, "in " + db) : new Check("csmhe_table", table, State.PENDING, "not found in " + db)));
            if (out.get(out.size() - 1).ok()) {
                guarded(out, "auto_increment_gap", GAP_TITLE, () -> out.add(gapCheck(in.nextAutoIncrement(db, TableNames.CSMHE), oldMax)));
                guarded(out, "migrations_recorded", RECORDED_TITLE, () -> out.add(recordedCheck(MigrationHistory.missing(c, db),
                        () -> in.estimatedRows(db, TableNames.CSMHE))));
                if (oldMax != null) {
                    guarded(out, "old_ids", OLD_IDS_TITLE, () -> out.add(oldIdsCheck(c, target, oldMax)));
                }
            }
            guarded(out, "autoinc_lock_mode", "copy chunks and LMS inserts into the new table", () -> out.add(autoincLockCheck(in.autoincLockMode())));
            guarded(out, "target_server", "target server (the new table)", () -> out.add(serverCheck("target_server",
                    "target server (the new table)", in.serverFacts(), true, target, in.connectionTls())));
        } catch (SQLException | RuntimeException e) {
            out.add(new Check("database_exists", title, State.FAILED, e.getMessage()));
        }
    }

    private interface CheckStep {
        void run() throws SQLException;
    }

    private static void guarded(List<Check> out, String id, String title, CheckStep step) {
        try {
            step.run();
        } catch (SQLException | RuntimeException e) {
            out.add(new Check(id, title, State.FAILED, e.getMessage()));
        }
    }

    /**
     * What the server is and what that means for the copy: LOAD DATA LOCAL needs local_infile on the target (MySQL 8
     * and Tutor's 8.4 ship it off: the copy then writes multi-row INSERTs, slower); a same-instance copy's
     * INSERT..SELECT is unsafe for the binary log under binlog_format=STATEMENT, so the copy refuses it there.
     */
    static Check serverCheck(String id, String title, Inspector.ServerFacts f, boolean target, Endpoint endpoint,
                             java.util.Optional<String> tls) {
        Map<String, String> fields = new java.util.TreeMap<>(Map.of("flavor", f.flavor(), "version", f.version(),
                "local_infile", f.localInfile() ? "ON" : "OFF", "binlog_format", f.binlogOn() ? f.binlogFormat() : "OFF",
                "autoinc_lock_mode", Integer.toString(f.autoincLockMode()), "max_allowed_packet", Long.toString(f.maxAllowedPacket()),
                "read_only", f.readOnly() ? "ON" : "OFF"));
        fields.put("tls", tls.orElse("none"));
        fields.put("ssl_mode", endpoint.tls().mode().name());
        // For a playbook's assert: the server proved who it is (encrypted, and its certificate checked against the CA).
        fields.put("tls_verified", Boolean.toString(tls.isPresent() && endpoint.tls().mode().verifies()));
        StringBuilder d = new StringBuilder(f.describe()).append("; binary log ").append(f.binlogOn() ? f.binlogFormat() : "off");
        boolean unencryptedRemote = tls.isEmpty() && !endpoint.loopback();
        d.append("; connection ").append(connectionWords(endpoint, tls));
        if (target) {
            d.append(f.localInfile() ? "; local_infile ON: cross-server copies use LOAD DATA LOCAL (the fast path)"
                    : "; local_infile OFF: cross-server copies write multi-row INSERTs" + (f.mariaDb() ? ", server-side prepared" : "")
                    + " (slower; SET GLOBAL local_infile = 1 allows LOAD DATA LOCAL)");
        }
        boolean statement = "STATEMENT".equalsIgnoreCase(f.binlogFormat());
        if (statement) {
            d.append("; binlog_format STATEMENT: a same-instance copy (INSERT..SELECT) is refused; set ROW or MIXED");
        }
        boolean readOnly = target && f.readOnly();
        if (readOnly) {
            d.append("; read_only ON: a replica or a read-only endpoint? A copy is refused unless its account may write past it");
        }
        return new Check(id, title, statement || readOnly || unencryptedRemote ? State.WARNING : State.INFO, d.toString(), fields);
    }


    /**
     * The source check, with whether its account sees the open transactions a copy settles late commits by (the
     * LMS's own account usually lacks PROCESS; the copy then waits a fixed time instead).
     */
    static Check withTransactions(Check server, boolean visible) {
        Map<String, String> fields = new java.util.TreeMap<>(server.fields());
        fields.put("open_transactions_visible", Boolean.toString(visible));
        String d = visible ? "; open transactions visible: a copy waits for those that hold ids to end (late commits)"
                : "; open transactions not visible (the account lacks PROCESS): a copy waits settle_seconds (default 10) before its"
                + " first chunk and before success instead of waiting for them; GRANT PROCESS ON *.* lets it wait only as long as they last";
        return new Check(server.id(), server.title(), server.state(), server.detail() + d, fields);
    }

    /** How the connection to the server goes: encrypted or not, and whether the server proved who it is. */
    private static String connectionWords(Endpoint endpoint, java.util.Optional<String> tls) {
        if (tls.isEmpty()) {
            return endpoint.loopback() ? "not encrypted"
                    : "NOT encrypted to a remote server (the server offers no TLS, or ssl_mode DISABLED)";
        }
        String over = "over " + tls.get();
        if (endpoint.tls().mode().verifies()) {
            return over + ", the server's certificate verified (" + endpoint.tls().describe() + ")";
        }
        return endpoint.loopback() ? over : over + ", the server's certificate not verified (give a CA: OPTIONS.ssl.ca, or ca_cert)";
    }

    /**
     * Measured on MariaDB 10.11 (mode 1, its default): an INSERT with an automatic id waited 3 s for a LOAD DATA
     * into the same table that supplied every id, and LMS-like inserts during an INSERT..SELECT copy went from p50
     * 0.7 ms to 45 ms. So under mode 1 the copy writes simple inserts (bench/results/lms-impact.md); under mode 0 every
     * insert takes the table lock and the operator should keep chunks short.
     */
    static Check autoincLockCheck(int mode) {
        String title = "copy chunks and LMS inserts into the new table";
        return new Check("autoinc_lock_mode", title, State.INFO, "innodb_autoinc_lock_mode = " + mode + switch (mode) {
            case 0 -> ": every insert takes the table's AUTO-INC lock (traditional), the copy's too, so LMS inserts of new history"
                    + " rows wait up to one copy statement; keep chunks short (target_chunk_ms, e.g. 200) or run the server with mode 2";
            case 1 -> ": the copy writes explicit-id multi-row INSERTs (simple inserts, no table AUTO-INC lock), so LMS inserts"
                    + " do not queue behind a chunk; copy --statement bulk is faster (INSERT..SELECT / LOAD DATA) but holds that lock"
                    + " per chunk";
            default -> ": copy chunks do not block the LMS's inserts (INSERT..SELECT / LOAD DATA)";
        });
    }

    private static void grantsCheck(List<Check> out, Inspector in, Endpoint target) throws SQLException {
        Map<String, Set<String>> privs = GrantParser.databasePrivileges(in.ownGrants());
        Set<String> have = new TreeSet<>(privs.getOrDefault(target.database(), Set.of()));
        // Global grants (ON *.*) count for every database.
        have.addAll(privs.getOrDefault(GrantParser.GLOBAL, Set.of()));
        Set<String> missing = new TreeSet<>(RUNTIME_PRIVS);
        if (!have.contains("ALL PRIVILEGES")) {
            missing.removeAll(have);
        } else {
            missing.clear();
        }
        String title = "runtime user " + target.user() + " has SELECT, INSERT, UPDATE, DELETE on " + target.database();
        out.add(missing.isEmpty() ? new Check("user_grants", title, State.OK, "grants: " + new TreeSet<>(have))
                : new Check("user_grants", title, State.FAILED, "missing: " + missing));
    }

    private static final String RECORDED_TITLE = "django_migrations there records CSMHE's migrations";

    /** Without the records, the next deploy's migrate --database student_module_history fails with 1050. */
    private interface Rows {
        long get() throws SQLException;
    }

    private static Check recordedCheck(List<MigrationHistory.Applied> applied, Rows rows) throws SQLException {
        List<String> missing = applied.stream().map(MigrationHistory.Applied::toString).toList();
        if (missing.isEmpty()) {
            return new Check("migrations_recorded", RECORDED_TITLE, State.OK, "coursewarehistoryextended 0001-0003 and their dependencies");
        }
        if (applied.equals(List.of(MigrationHistory.last()))) {
            // An older deploy's table (0001-0002): the next deploy's migrate runs the real 0003.
            return new Check("migrations_recorded", RECORDED_TITLE, State.FAILED, "not recorded: " + missing.get(0) + ". The next manage.py lms"
                    + " migrate --database student_module_history (every edxapp deploy) runs it: it drops both indexes on student_module_id"
                    + " and builds student_module_idx over the table's ~" + rows.get() + " rows (InnoDB's estimate), lookups by"
                    + " student_module_id unindexed until it ends; csmhctl migrate --without-django renames the index already there"
                    + " instead (seconds: RENAME INDEX, DROP INDEX) and records 0003", Map.of("missing", missing.get(0)));
        }
        return new Check("migrations_recorded", RECORDED_TITLE, State.FAILED, "not recorded: " + String.join(", ", missing)
                + ". The next manage.py lms migrate --database student_module_history (every edxapp deploy) would try to create the"
                + " table again and fail (1050); csmhctl migrate --without-django records them", Map.of("missing", String.join(",", missing)));
    }

    private static final String OLD_IDS_TITLE = "new table holds no rows the LMS wrote at old ids";

    /** Rows at ids <= max(old id) are fine when they are the copy's; rows the LMS wrote there block the copy. */
    private Check oldIdsCheck(Connection targetConnection, Endpoint target, long oldMax) throws SQLException {
        Endpoint source = endpoints.resolve("source");
        try (Connection src = connections.open(source)) {
            var found = OldIdRows.probe(src, targetConnection, new Tables(source.database(), target.database()), oldMax);
            if (found.isEmpty()) {
                return new Check("old_ids", OLD_IDS_TITLE, State.OK, oldMax == 0 ? "the old table is empty: no old ids to check"
                        : "no rows at ids <= " + oldMax, Map.of("old_max_id", Long.toString(oldMax)));
            }
            OldIdRows.Finding f = found.get();
            Map<String, String> fields = Map.of("lowest", Long.toString(f.lowest()), "highest", Long.toString(f.highest()),
                    "old_max_id", Long.toString(oldMax), "foreign", Boolean.toString(f.foreign()));
            return new Check("old_ids", OLD_IDS_TITLE, f.foreign() ? State.FAILED : State.OK, f.describe(TableNames.CSMHE), fields);
        }
    }

    private static final String GAP_TITLE = "AUTO_INCREMENT leaves room above max(old id)";

    private static Check gapCheck(long next, Long oldMax) {
        Map<String, String> fields = oldMax == null ? Map.of("next_id", Long.toString(next))
                : Map.of("next_id", Long.toString(next), "old_max_id", Long.toString(oldMax));
        if (oldMax == null) {
            return new Check("auto_increment_gap", GAP_TITLE, State.WARNING, "next id " + next + "; old table max(id) unknown", fields);
        } else if (oldMax == 0) {
            // After a purge, or on a site that never wrote the old table: "room for N more old rows" would mislead.
            return new Check("auto_increment_gap", GAP_TITLE, State.OK, "next id " + next + "; the old table is empty: no old ids for new"
                    + " rows to collide with", fields);
        } else if (next > oldMax) {
            return new Check("auto_increment_gap", GAP_TITLE, State.OK, "next id " + next + " > old max(id) " + oldMax
                    + " (room for " + (next - oldMax - 1) + " more old rows)", fields);
        } else {
            return new Check("auto_increment_gap", GAP_TITLE, State.FAILED, "next id " + next + " <= old max(id) " + oldMax
                    + ": new rows would collide with copied ids; set AUTO_INCREMENT above " + oldMax, fields);
        }
    }
}
