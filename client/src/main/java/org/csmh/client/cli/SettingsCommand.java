package org.csmh.client.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.csmh.proto.v1.CsmhDatabaseSettings;
import org.csmh.proto.v1.FileChange;
import org.csmh.proto.v1.Flag;
import org.csmh.proto.v1.UpdateSettingsRequest;
import org.csmh.proto.v1.UpdateSettingsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "settings", sortOptions = false,
        description = {"Set DATABASES.student_module_history and the CSMH feature flags in lms.yml (and cms.yml).",
                "Only the changed lines move; a timestamped backup is kept; --dry-run shows the diff."})
final class SettingsCommand implements Callable<Integer> {
    @ParentCommand
    Csmhctl root;

    @Option(names = "--request", paramLabel = "FILE|-", description = "an UpdateSettingsRequest in proto3 JSON; flags below override it")
    Path request;
    // Anything not given is kept from the existing student_module_history entry, else taken from DATABASES.default.
    @Option(names = "--db-name", description = "NAME (default: the entry's, else edxapp_csmh)")
    String name;
    @Option(names = "--db-user", description = "USER (default: the entry's, else DATABASES.default's)")
    String user;
    @Option(names = "--db-password-file") Path pwFile;
    @Option(names = "--db-password-env") String pwEnv;
    @Option(names = "--db-password-stdin") boolean pwStdin;
    @Option(names = "--db-host", description = "HOST (default: the entry's, else DATABASES.default's)")
    String host;
    @Option(names = "--db-port", description = "PORT (default: the entry's, else DATABASES.default's, else 3306)")
    Integer port;
    @Option(names = "--db-option", description = "OPTIONS entry key=value, typed as YAML would (10 an integer, true a boolean,"
            + " quote to keep a string); repeat for several (default: the entry's OPTIONS, else DATABASES.default's); TLS as"
            + " Django's mysqlclient takes it: ssl_mode=VERIFY_CA, ssl.ca=/path/ca.pem, ssl.cert=..., ssl.key=...")
    Map<String, String> options;
    @Option(names = "--conn-max-age", description = "CONN_MAX_AGE seconds (default: the entry's, else DATABASES.default's)")
    Integer connMaxAge;
    @Option(names = "--enable-csmh-extended", paramLabel = "true|false", description = "FEATURES.ENABLE_CSMH_EXTENDED")
    String extended;
    @Option(names = "--read-multiple-tables", paramLabel = "true|false",
            description = "FEATURES.ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES")
    String multiple;
    @Option(names = "--no-cms", description = "edit lms.yml only")
    boolean noCms;
    @Option(names = "--dry-run", description = "show the diff, write nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        UpdateSettingsRequest.Builder b = root.mergeRequest(request, UpdateSettingsRequest.newBuilder());
        String password = new PasswordOptions("database password", pwFile, pwEnv, pwStdin).read(root.secrets);
        if (user != null || password != null || host != null || name != null || port != null || options != null || connMaxAge != null) {
            CsmhDatabaseSettings.Builder d = b.getDatabaseBuilder();
            if (name != null) {
                d.setName(name);
            }
            if (user != null) {
                d.setUser(user);
            }
            if (password != null) {
                d.setPassword(password);
            }
            if (host != null) {
                d.setHost(host);
            }
            if (port != null) {
                d.setPort(port);
            }
            if (options != null) {
                d.putAllOptions(options);
            }
            if (connMaxAge != null) {
                d.setConnMaxAge(connMaxAge);
            }
        }
        if (extended != null) {
            b.setEnableCsmhExtended(flag("--enable-csmh-extended", extended));
        }
        if (multiple != null) {
            b.setEnableReadingFromMultipleHistoryTables(flag("--read-multiple-tables", multiple));
        }
        if (noCms) {
            b.setIncludeCms(false);
        }
        if (dryRun) {
            b.setDryRun(true);
        }
        return root.execute(c -> c.updateSettings(b.build()), this::print);
    }

    private static Flag flag(String option, String value) {
        return switch (value.toLowerCase()) {
            case "true", "yes", "on" -> Flag.FLAG_TRUE;
            case "false", "no", "off" -> Flag.FLAG_FALSE;
            default -> throw new UsageException(option + ": expected true or false, got '" + value + "'");
        };
    }

    private int print(UpdateSettingsResponse r) {
        if (!root.json) {
            for (FileChange f : r.getFilesList()) {
                root.out.println(f.getPath() + ": " + (f.getChanged() ? (r.getDryRun() ? "would change" : "changed") : "unchanged"));
                if (!f.getDiff().isEmpty()) {
                    root.out.print(f.getDiff());
                }
                if (!f.getBackupPath().isEmpty()) {
                    root.out.println("backup: " + f.getBackupPath());
                }
            }
            // Each value is a JSON literal, which is also YAML: the lines paste into an edxapp vars file as they are.
            root.out.println("edxapp.yml overrides to keep the next deploy consistent:");
            r.getAnsibleOverridesJsonMap().forEach((k, v) -> root.out.println("  " + k + ": " + v));
            for (String change : r.getNextDeployChangesList()) {
                root.out.println("the next deploy would still change: " + change);
            }
        }
        return ExitCodes.OK;
    }
}
