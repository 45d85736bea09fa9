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
        Map<String, Set<String>> wanted = user.priv().privilegesByDatabase();
        // Exact privileges, as community.mysql means them without append_privs, but only inside the database being
        // provisioned: there, what priv does not list (and the grant option unless GRANT is listed) is revoked, on its
        // db.* grant and on its tables' grants. Grants elsewhere are another owner's (configuration's defaults make
        // the CSMH user the LMS's own account, which the site needs on edxapp.*): kept and reported, unless the
        // operator asked for them to go too. Revoked on the object as it was granted: MySQL keeps `edxapp\_csmh`.*
        // and `edxapp_csmh`.* apart.
        if (!user.appendPrivs()) {
            for (GrantParser.DbGrant g : have) {
                Set<String> want = wanted.getOrDefault(g.database(), Set.of());
                Set<String> extra = new LinkedHashSet<>(g.privileges());
                extra.removeAll(want);
                if (want.contains("ALL PRIVILEGES")) {
                    extra.clear();
                }
                boolean option = g.grantOption() && !want.contains(PrivSpec.GRANT_OPTION);
                if (!g.database().equals(spec.database()) && !user.revokeOutsideDatabase()) {
                    keep(spec, account, g.object(), extra, option);
                    continue;
                }
                revoke(spec, account, g.object(), extra, option, !wanted.containsKey(g.database()), out);
            }
            for (GrantParser.TableGrant g : existing.isEmpty() ? List.<GrantParser.TableGrant>of() : inspector.tableGrants(user.name(), user.host())) {
                // priv names databases only, so a table's grant is never asked for: all of it goes, inside the database.
                if (!g.database().equals(spec.database()) && !user.revokeOutsideDatabase()) {
                    keep(spec, account, g.object(), g.privileges(), g.grantOption());
                    continue;
                }
                revoke(spec, account, g.object(), g.privileges(), g.grantOption(), !g.database().equals(spec.database()), out);
            }
        }
        for (Map.Entry<String, Set<String>> want : wanted.entrySet()) {
            Set<String> current = new LinkedHashSet<>();
            boolean grantOption = false;
            for (GrantParser.DbGrant g : have) {
                if (g.database().equals(want.getKey())) {
                    // Either spelling counts (the upstream playbook grants on the unescaped name): no duplicate grant.
                    current.addAll(g.privileges());
                    grantOption |= g.grantOption();
                }
            }
            Set<String> missing = new LinkedHashSet<>(want.getValue());
            missing.remove(PrivSpec.GRANT_OPTION);
            if (!(current.contains("ALL PRIVILEGES") && missing.contains("ALL PRIVILEGES"))) {
                missing.removeAll(current);
            } else {
                missing.clear();
            }
            boolean needOption = want.getValue().contains(PrivSpec.GRANT_OPTION) && !grantOption;
            if (!missing.isEmpty() || needOption) {
                String privs = missing.isEmpty() ? "USAGE" : String.join(", ", missing);
                out.add(PlannedStatement.plain("GRANT " + privs + " ON " + grantObject(want.getKey()) + " TO " + account
                        + (needOption ? " WITH GRANT OPTION" : "")));
            }
        }
    }

    /** A grant outside the provisioned database that exact privileges would have taken: said, not done. */
    private void keep(ProvisionSpec spec, String account, String object, Set<String> extra, boolean grantOption) {
        if (extra.isEmpty() && !grantOption) {
            return;
        }
        String what = extra.isEmpty() ? "GRANT OPTION" : String.join(", ", extra) + (grantOption ? " (and GRANT OPTION)" : "");
        warnings.add((spec.dryRun() ? "would keep " : "kept ") + what + " ON " + object + " for " + account + ": priv is exact only inside "
                + spec.database() + "; grants on other objects are not the procedure's (revoke_outside_database revokes them)");
    }

    private void revoke(ProvisionSpec spec, String account, String object, Set<String> extra, boolean grantOption, boolean outside,
                        List<PlannedStatement> out) {
        if (!extra.isEmpty()) {
            out.add(PlannedStatement.plain("REVOKE " + String.join(", ", extra) + " ON " + object + " FROM " + account));
            if (outside) {
                warnings.add((spec.dryRun() ? "would revoke " : "revoked ") + String.join(", ", extra) + " ON " + object + " from " + account
                        + ": priv does not name that object and revoke_outside_database is set");
            }
        }
        if (grantOption) {
            out.add(PlannedStatement.plain("REVOKE GRANT OPTION ON " + object + " FROM " + account));
        }
    }

    /**
     * `db`.* as community.mysql and the configuration repository's create_db_and_users.yml write it: not escaped.
     * MySQL keeps grants on `edxapp\_csmh`.* and `edxapp_csmh`.* as two rows and community.mysql compares the text,
     * so an escaped grant here would be granted again by the upstream playbook (and the other way round). The price:
     * an unescaped _ is a one-character wildcard, so the grant also covers a database named like edxappXcsmh.
     */
    static String grantObject(String database) {
        if (database.equals(GrantParser.GLOBAL)) {
            return "*.*";
        }
        return SqlNames.quoteIdentifier(database) + ".*";
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
