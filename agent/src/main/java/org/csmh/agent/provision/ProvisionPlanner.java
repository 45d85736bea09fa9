package org.csmh.agent.provision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.csmh.agent.mysql.GrantParser;
import org.csmh.agent.mysql.SqlNames;

/** Compares what the spec asks for with what the server has and lists the statements that close the gap. */
final class ProvisionPlanner {
    private final AccountInspector inspector;
    private final java.util.function.BiPredicate<String, String> loginProbe;
    private final List<String> warnings = new ArrayList<>();

    /** @param loginProbe whether user/password logs in to the server being provisioned */
    ProvisionPlanner(AccountInspector inspector, java.util.function.BiPredicate<String, String> loginProbe) {
        this.inspector = inspector;
        this.loginProbe = loginProbe;
    }

    List<String> warnings() {
        return warnings;
    }

    List<PlannedStatement> plan(ProvisionSpec spec) throws SQLException {
        List<PlannedStatement> out = new ArrayList<>();
        planSchema(spec, out);
        for (ProvisionSpec.UserSpec user : spec.users()) {
            planUser(spec, user, out);
        }
        return out;
    }

    private void planSchema(ProvisionSpec spec, List<PlannedStatement> out) throws SQLException {
        Optional<AccountInspector.Schema> schema = inspector.schema(spec.database());
        if (schema.isEmpty()) {
            String sql = "CREATE DATABASE " + SqlNames.quoteIdentifier(spec.database()) + " CHARACTER SET " + spec.charset()
                    + (spec.collation() == null ? "" : " COLLATE " + spec.collation());
            out.add(PlannedStatement.plain(sql));
            return;
        }
        String have = ProvisionSpec.normalizeCharset(schema.get().charset());
        if (!have.equals(ProvisionSpec.normalizeCharset(spec.charset()))
                || (spec.collation() != null && !spec.collation().equals(schema.get().collation()))) {
            // Changing a database's default charset only affects tables created later and can surprise an
            // operator whose tables already exist, so it is reported rather than done.
            warnings.add("database '" + spec.database() + "' exists with charset " + schema.get().charset() + " / collation "
                    + schema.get().collation() + "; left unchanged");
        }
    }

    private void planUser(ProvisionSpec spec, ProvisionSpec.UserSpec user, List<PlannedStatement> out) throws SQLException {
        String account = SqlNames.account(user.name(), user.host());
        Optional<AccountInspector.Account> existing = inspector.account(user.name(), user.host());
        String identified = " IDENTIFIED BY ";
        if (existing.isEmpty()) {
            out.add(new PlannedStatement("CREATE USER " + account + identified + SqlNames.quoteString(user.password()),
                    "CREATE USER " + account + identified + PlannedStatement.MASK));
        } else if (spec.alwaysUpdatePassword() && !passwordMatches(user, existing.get())) {
            out.add(new PlannedStatement("ALTER USER " + account + identified + SqlNames.quoteString(user.password()),
                    "ALTER USER " + account + identified + PlannedStatement.MASK));
        }
        List<GrantParser.DbGrant> have = existing.isEmpty() ? List.of() : inspector.grants(user.name(), user.host());
        for (Map.Entry<String, Set<String>> want : user.priv().privilegesByDatabase().entrySet()) {
            Set<String> current = new LinkedHashSet<>();
            for (GrantParser.DbGrant g : have) {
                if (!g.database().equals(want.getKey())) {
                    continue;
                }
                current.addAll(g.privileges());
                // Exact privileges, as community.mysql does without append_privs: a runtime user must not keep
                // DDL rights. Revoked on the object as it was granted (escaped or not).
                Set<String> extra = new LinkedHashSet<>(g.privileges());
                extra.removeAll(want.getValue());
                if (want.getValue().contains("ALL PRIVILEGES")) {
                    extra.clear();
                }
                if (!extra.isEmpty()) {
                    out.add(PlannedStatement.plain("REVOKE " + String.join(", ", extra) + " ON " + g.object() + " FROM " + account));
                }
            }
            if (current.contains("ALL PRIVILEGES") && want.getValue().contains("ALL PRIVILEGES")) {
                continue;
            }
            Set<String> missing = new LinkedHashSet<>(want.getValue());
            missing.removeAll(current);
            if (!missing.isEmpty()) {
                out.add(PlannedStatement.plain("GRANT " + String.join(", ", missing) + " ON " + grantObject(want.getKey()) + " TO " + account));
            }
        }
    }

    /** `db`.* with _ and % escaped: in GRANT they are wildcards, and edxapp_csmh must not also match edxappXcsmh. */
    static String grantObject(String database) {
        return SqlNames.quoteIdentifier(database.replace("_", "\\_").replace("%", "\\%")) + ".*";
    }

    /**
     * mysql_native_password hashes are unsalted and compared here. Other plugins salt theirs (MySQL 8's
     * caching_sha2_password), so the password is tried instead: a login as the account with it. Only when that
     * cannot tell (the account's host pattern does not match the agent's address, say) is the password set again
     * and reported as a change.
     */
    private boolean passwordMatches(ProvisionSpec.UserSpec user, AccountInspector.Account account) {
        if ("mysql_native_password".equals(account.plugin()) && account.authenticationString() != null) {
            return account.authenticationString().equalsIgnoreCase(nativeHash(user.password()));
        }
        return loginProbe.test(user.name(), user.password());
    }

    static String nativeHash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] twice = MessageDigest.getInstance("SHA-1").digest(once);
            return "*" + HexFormat.of().withUpperCase().formatHex(twice);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
