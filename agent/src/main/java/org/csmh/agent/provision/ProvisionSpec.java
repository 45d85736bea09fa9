package org.csmh.agent.provision;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.csmh.agent.mysql.SqlNames;
import org.csmh.agent.util.InvalidInputException;

/** A validated provisioning request: every name in it is safe to quote into SQL. */
public record ProvisionSpec(String database, String charset, String collation, List<UserSpec> users,
                            boolean alwaysUpdatePassword, boolean dryRun) {

    public static final String DEFAULT_DATABASE = "edxapp_csmh";
    public static final String DEFAULT_CHARSET = "utf8";

    public record UserSpec(String name, String host, String password, PrivSpec priv, boolean appendPrivs, boolean revokeOutsideDatabase) {
        @Override
        public String toString() {
            return "UserSpec[" + name + "@" + host + ", priv=" + priv.privilegesByDatabase() + "]";
        }
    }

    public record RawUser(String name, String host, String password, String priv, boolean appendPrivs, boolean revokeOutsideDatabase) {
        public RawUser(String name, String host, String password, String priv, boolean appendPrivs) {
            this(name, host, password, priv, appendPrivs, false);
        }
    }

    public static ProvisionSpec validate(String database, String charset, String collation, List<RawUser> users,
                                         boolean alwaysUpdatePassword, boolean dryRun) {
        String db = SqlNames.database(blankTo(database, DEFAULT_DATABASE));
        String coll = collation == null || collation.isBlank() ? null : SqlNames.charset(collation.toLowerCase(), "collation");
        // No charset given: the old table's (resolved by the provisioner), or the collation's.
        String cs = charset == null || charset.isBlank() ? (coll == null ? null : coll.substring(0, Math.max(1, coll.indexOf('_'))))
                : SqlNames.charset(charset.toLowerCase(), "charset");
        if (coll != null && !coll.startsWith(normalizeCharset(cs) + "_") && !coll.startsWith(cs + "_")) {
            throw new InvalidInputException("collation '" + coll + "' does not belong to charset '" + cs + "'");
        }
        if (users.size() > 32) {
            throw new InvalidInputException("too many users: " + users.size() + " (at most 32)");
        }
        Set<String> seen = new HashSet<>();
        List<UserSpec> out = users.stream().map(u -> {
            String name = SqlNames.user(u.name());
            String host = SqlNames.host(blankTo(u.host(), "%"));
            if (!seen.add(name + "@" + host)) {
                throw new InvalidInputException("user '" + name + "'@'" + host + "' is listed twice");
            }
            String password = SqlNames.password(u.password(), name);
            PrivSpec priv = PrivSpec.parse(u.priv());
            // The procedure grants on its own database (and monitoring privileges globally) and on nothing else: a priv
            // naming edxapp.* here would hand out, or with exact privileges take away, what the LMS's site runs on.
            for (String other : priv.databases()) {
                if (!other.equals(db) && !other.equals(org.csmh.agent.mysql.GrantParser.GLOBAL)) {
                    throw new InvalidInputException("priv for '" + name + "'@'" + host + "' names database '" + other + "', not the one"
                            + " provisioned ('" + db + "'): grants on other databases are not the procedure's to give or take (only '"
                            + db + ".*' and the monitoring privileges on '*.*' are accepted)");
                }
            }
            if (u.revokeOutsideDatabase() && u.appendPrivs()) {
                throw new InvalidInputException("revoke_outside_database needs append_privs false for '" + name + "'@'" + host
                        + "' (append_privs revokes nothing)");
            }
            return new UserSpec(name, host, password, priv, u.appendPrivs(), u.revokeOutsideDatabase());
        }).toList();
        return new ProvisionSpec(db, cs, coll, out, alwaysUpdatePassword, dryRun);
    }

    /** This spec with the database's character set decided (when the request left it to the old table's). */
    public ProvisionSpec withCharset(String cs) {
        return new ProvisionSpec(database, SqlNames.charset(cs.toLowerCase(), "charset"), collation, users, alwaysUpdatePassword, dryRun);
    }

    /** MySQL 8 and MariaDB 10.6+ report utf8 as utf8mb3. */
    public static String normalizeCharset(String cs) {
        return "utf8".equals(cs) ? "utf8mb3" : cs;
    }

    private static String blankTo(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
