package org.csmh.client.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.csmh.proto.v1.DatabaseUser;
import org.csmh.proto.v1.Login;
import org.csmh.proto.v1.PasswordUpdate;
import org.csmh.proto.v1.ProvisionDatabaseRequest;
import org.csmh.proto.v1.ProvisionDatabaseResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "provision", sortOptions = false,
        description = {"Create the CSMH database and its runtime and migrate users (idempotent).",
                "The runtime user gets SELECT,INSERT,UPDATE,DELETE; the migrate user also ALTER,CREATE,DROP,INDEX.",
                "Passwords come from files, environment variables or stdin, never from arguments."})
final class ProvisionCommand implements Callable<Integer> {
    static final String RUNTIME_PRIVS = "SELECT,INSERT,UPDATE,DELETE";
    static final String MIGRATE_PRIVS = "SELECT,INSERT,UPDATE,DELETE,ALTER,CREATE,DROP,INDEX";

    @ParentCommand
    Csmhctl root;

    @Option(names = "--request", paramLabel = "FILE|-", description = "a ProvisionDatabaseRequest in proto3 JSON; flags below override it")
    Path request;
    @Option(names = "--login-endpoint", description = "admin endpoint name from the agent config (default: admin)")
    String loginEndpoint;
    @Option(names = "--login-host", description = "admin login host, instead of a configured endpoint")
    String loginHost;
    @Option(names = "--login-port", description = "admin login port (default 3306)")
    Integer loginPort;
    @Option(names = "--login-user", description = "admin login user")
    String loginUser;
    @Option(names = "--login-ca-cert", description = "CA certificate (PEM, on the agent's host) to verify the login host's certificate")
    Path loginCaCert;
    @Option(names = "--login-client-cert", description = "client certificate (PEM) for an admin account that REQUIRE X509")
    Path loginClientCert;
    @Option(names = "--login-client-key", description = "its private key (PEM, unencrypted)")
    Path loginClientKey;
    @Option(names = "--login-check-hostname", description = "also check that the certificate names the login host (VERIFY_IDENTITY)")
    boolean loginCheckHostname;
    @Option(names = "--login-password-file") Path loginPwFile;
    @Option(names = "--login-password-env") String loginPwEnv;
    @Option(names = "--login-password-stdin") boolean loginPwStdin;

    @Option(names = "--database", description = "database name (default edxapp_csmh)")
    String database;
    @Option(names = "--charset", description = "database charset (default: the old table's, so every value fits as it is)")
    String charset;
    @Option(names = "--collation")
    String collation;

    @Option(names = "--runtime-user", description = "runtime user (" + RUNTIME_PRIVS + ")")
    String runtimeUser;
    @Option(names = "--runtime-password-file") Path runtimePwFile;
    @Option(names = "--runtime-password-env") String runtimePwEnv;
    @Option(names = "--runtime-password-stdin") boolean runtimePwStdin;

    @Option(names = "--migrate-user", description = "migration user (" + MIGRATE_PRIVS + ")")
    String migrateUser;
    @Option(names = "--migrate-password-file") Path migratePwFile;
    @Option(names = "--migrate-password-env") String migratePwEnv;
    @Option(names = "--migrate-password-stdin") boolean migratePwStdin;

    @Option(names = "--user-host", description = "host pattern for the users; repeat for several (default %%)")
    List<String> hosts;
    @Option(names = "--update-password", description = "always (default, as community.mysql: lms.yml and the database keep the same"
            + " password) or on_create")
    String updatePassword;
    @Option(names = "--append-privs", description = "add the privileges and revoke nothing (as community.mysql's append_privs and"
            + " create_db_and_users.yml)")
    boolean appendPrivs;
    @Option(names = "--revoke-outside-database", description = "without --append-privs: also revoke what the users hold on other"
            + " databases and globally (by default kept and reported: the LMS's own account needs them)")
    boolean revokeOutside;
    @Option(names = "--dry-run", description = "plan only: print the statements, change nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        ProvisionDatabaseRequest.Builder b = root.mergeRequest(request, ProvisionDatabaseRequest.newBuilder());
        Login.Builder login = b.getLoginBuilder();
        if (loginEndpoint != null) {
            login.setEndpoint(loginEndpoint);
        }
        if (loginHost != null) {
            login.setHost(loginHost);
        }
        if (loginPort != null) {
            login.setPort(loginPort);
        }
        if (loginUser != null) {
            login.setUser(loginUser);
        }
        // Paths as the agent reads them: absolute (the agent runs elsewhere in the file system: /, as a service).
        if (loginCaCert != null) {
            login.setCaCert(loginCaCert.toAbsolutePath().toString());
        }
        if (loginClientCert != null) {
            login.setClientCert(loginClientCert.toAbsolutePath().toString());
        }
        if (loginClientKey != null) {
            login.setClientKey(loginClientKey.toAbsolutePath().toString());
        }
        if (loginCheckHostname) {
            login.setCheckHostname(true);
        }
        String loginPw = new PasswordOptions("admin login password", loginPwFile, loginPwEnv, loginPwStdin).read(root.secrets);
        if (loginPw != null) {
            login.setPassword(loginPw);
        }
        if (database != null) {
            b.setDatabase(database);
        }
        if (charset != null) {
            b.setCharset(charset);
        }
        if (collation != null) {
            b.setCollation(collation);
        }
        String db = b.getDatabase().isEmpty() ? "edxapp_csmh" : b.getDatabase();
        addUser(b, runtimeUser, new PasswordOptions("runtime password", runtimePwFile, runtimePwEnv, runtimePwStdin), db, RUNTIME_PRIVS);
        addUser(b, migrateUser, new PasswordOptions("migrate password", migratePwFile, migratePwEnv, migratePwStdin), db, MIGRATE_PRIVS);
        if (updatePassword != null) {
            b.setPasswordUpdate(switch (updatePassword) {
                case "always" -> PasswordUpdate.PASSWORD_UPDATE_ALWAYS;
                case "on_create" -> PasswordUpdate.PASSWORD_UPDATE_ON_CREATE;
                default -> throw new UsageException("--update-password: expected always or on_create, got '" + updatePassword + "'");
            });
        }
        if (dryRun) {
            b.setDryRun(true);
        }
        return root.execute(c -> c.provision(b.build()), this::print);
    }

    private void addUser(ProvisionDatabaseRequest.Builder b, String user, PasswordOptions pw, String db, String privs) {
        String password = pw.read(root.secrets);
        if (user == null) {
            if (password != null) {
                throw new UsageException(pw.what() + " given without its user");
            }
            return;
        }
        if (password == null) {
            throw new UsageException(pw.what() + " for '" + user + "' is required (-file, -env or -stdin)");
        }
        for (String host : hosts == null || hosts.isEmpty() ? List.of("%") : hosts) {
            b.addUsers(DatabaseUser.newBuilder().setName(user).setHost(host).setPassword(password).setPriv(db + ".*:" + privs)
                    .setAppendPrivs(appendPrivs).setRevokeOutsideDatabase(revokeOutside));
        }
    }

    private int print(ProvisionDatabaseResponse r) {
        if (!root.json) {
            for (String s : r.getStatementsList()) {
                root.out.println((r.getDryRun() ? "would run: " : "ran: ") + s + ";");
            }
            for (String w : r.getWarningsList()) {
                root.out.println("warning: " + w);
            }
            root.out.println(r.getChanged() ? (r.getDryRun() ? "changes planned" : "changed") : "unchanged: database and users already as requested");
        }
        return ExitCodes.OK;
    }
}
