package org.csmh.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.csmh.agent.migrate.MigrationConfig;
import org.csmh.agent.mysql.EndpointTls;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads agent.yml. Unknown keys are errors (a typo must not silently fall back to a default), and every
 * problem names the key it is about.
 *
 * <pre>
 * listen: unix:/run/csmh-agent/agent.sock   # default; or host:port, which needs tls or auth
 * socket_group: edxapp-ops            # members may call through the socket (mode 0660); default: the agent's group
 * lms_yml: /edx/etc/lms.yml
 * cms_yml: /edx/etc/studio.yml
 * state_dir: /var/lib/csmh-agent      # job records
 * job_retry_seconds: 600              # how long a job waits out database errors
 * endpoints:
 *   admin: {host: 127.0.0.1, port: 3306, user: root, password_file: /etc/csmh-agent/admin.pass}
 *   # TLS to an explicit endpoint (community.mysql's names): ca_cert (then VERIFY_CA), check_hostname: true
 *   # (VERIFY_IDENTITY), client_cert + client_key (REQUIRE X509 accounts), ssl_mode (MySQL's words) to say it outright.
 *   # lms_alias endpoints take TLS from the entry's OPTIONS (ssl: {ca, cert, key}, ssl_mode), as Django does.
 *   source: {lms_alias: default}
 *   target: {lms_alias: student_module_history}
 * </pre>
 */
public final class AgentConfigLoader {
    private static final Set<String> TOP = Set.of("listen", "socket_group", "lms_yml", "cms_yml", "endpoints", "state_dir", "job_retry_seconds", "migrations", "tls", "auth", "metrics", "restart");
    private static final Set<String> ENDPOINT = Set.of("host", "port", "user", "password", "password_file", "database", "lms_alias",
            "ssl_mode", "ca_cert", "client_cert", "client_key", "check_hostname");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new ConfigException("config " + file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null) {
            root = Map.of();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config " + file + ": top level must be a mapping");
        }
        return fromMap(map, file.toAbsolutePath().getParent());
    }

    static AgentConfig fromMap(Map<?, ?> map, Path baseDir) {
        unknownKeys(map, TOP, "config");
        SecurityConfig security = security(map, baseDir);
        ListenAddress listen = listen(map, baseDir, security);
        Path lms = path(map, "lms_yml", baseDir);
        Path cms = path(map, "cms_yml", baseDir);
        Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
        Object eps = map.get("endpoints");
        if (eps != null && !(eps instanceof Map<?, ?>)) {
            throw new ConfigException("endpoints: expected a mapping of name -> endpoint");
        }
        if (eps instanceof Map<?, ?> e) {
            for (Map.Entry<?, ?> entry : e.entrySet()) {
                String name = String.valueOf(entry.getKey());
                if (!(entry.getValue() instanceof Map<?, ?> ep)) {
                    throw new ConfigException("endpoints." + name + ": expected a mapping");
                }
                endpoints.put(name, endpoint(name, ep, baseDir));
            }
        }
        endpoints.putIfAbsent("source", new EndpointConfig("source", null, 0, null, null, null, "default"));
        endpoints.putIfAbsent("target", new EndpointConfig("target", null, 0, null, null, null, "student_module_history"));
        Path state = path(map, "state_dir", baseDir);
        int retry = number(string(map, "job_retry_seconds", "600"), "job_retry_seconds", 0, 86_400);
        return new AgentConfig(listen, lms, cms, endpoints, state == null ? AgentConfig.DEFAULT_STATE_DIR : state, retry,
                migrations(map.get("migrations"), baseDir, lms, cms), security, metrics(map.get("metrics")), restart(map.get("restart"), baseDir));
    }

    /** metrics: {listen: host:port}: the Prometheus endpoint, off when absent. It serves numbers, never secrets. */
    static ListenAddress metrics(Object section) {
        if (section == null) {
            return null;
        }
        if (!(section instanceof Map<?, ?> m)) {
            throw new ConfigException("metrics: expected a mapping with listen: host:port");
        }
        unknownKeys(m, Set.of("listen"), "metrics");
        return tcpAddress(string(m, "listen", null), "metrics.listen", "host:port");
    }

    /** host:port (an IPv6 host in brackets) read for {@code key}; {@code expected} says what the key takes. */
    private static ListenAddress tcpAddress(String text, String key, String expected) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException(key + ": expected " + expected + ", got '" + text + "'");
        }
        return ListenAddress.tcp(text.substring(0, colon).replace("[", "").replace("]", ""), port(text.substring(colon + 1), key));
    }

    /**
     * The listen address and the rule that keeps the default safe: a Unix socket (its mode and group decide who
     * calls), or TCP only with TLS or a token, and off loopback only with TLS (plain text would carry the passwords
     * in requests across the network).
     */
    static ListenAddress listen(Map<?, ?> map, Path baseDir, SecurityConfig security) {
        String listen = string(map, "listen", "unix:" + ListenAddress.DEFAULT_SOCKET);
        String group = string(map, "socket_group", null);
        if (listen.startsWith("unix:")) {
            String raw = listen.substring("unix:".length());
            if (raw.isEmpty()) {
                throw new ConfigException("listen: expected unix:/path/to/socket, got '" + listen + "'");
            }
            Path socket = baseDir == null ? Path.of(raw) : baseDir.resolve(raw).normalize();
            if (socket.toString().getBytes(StandardCharsets.UTF_8).length > ListenAddress.MAX_SOCKET_PATH) {
                throw new ConfigException("listen: socket path " + socket + " is longer than the " + ListenAddress.MAX_SOCKET_PATH
                        + " bytes a Unix socket address holds");
            }
            if (group != null && group.isBlank()) {
                throw new ConfigException("socket_group: expected a group name");
            }
            return ListenAddress.socket(socket, group);
        }
        if (group != null) {
            throw new ConfigException("socket_group applies to a Unix socket (listen: unix:/path), not to " + listen);
        }
        ListenAddress tcp = tcpAddress(listen, "listen", "unix:/path or host:port");
        if (!tcp.isLoopback() && !security.tls()) {
            throw new ConfigException("listen: " + listen + " is not a loopback address; configure tls (cert, key, and client_ca for"
                    + " mutual TLS) to listen there, or use the default Unix socket");
        }
        if (!security.tls() && !security.tokenRequired()) {
            throw new ConfigException("listen: TCP " + listen + " without tls or auth would let any local process call the agent"
                    + " (create database users, rewrite lms.yml, purge); configure auth.token_file or tls, or use the default"
                    + " Unix socket (listen: unix:/run/csmh-agent/agent.sock)");
        }
        return tcp;
    }

    private static EndpointConfig endpoint(String name, Map<?, ?> ep, Path baseDir) {
        String where = "endpoints." + name;
        unknownKeys(ep, ENDPOINT, where);
        if (ep.containsKey("lms_alias")) {
            if (ep.size() > 1) {
                throw new ConfigException(where + ": lms_alias cannot be combined with other keys");
            }
            return new EndpointConfig(name, null, 0, null, null, null, string(ep, "lms_alias", null));
        }
        String host = string(ep, "host", "127.0.0.1");
        int port = port(string(ep, "port", "3306"), where + ".port");
        String user = string(ep, "user", null);
        if (user == null) {
            throw new ConfigException(where + ".user is required");
        }
        if (ep.containsKey("password") && ep.containsKey("password_file")) {
            throw new ConfigException(where + ": give password or password_file, not both");
        }
        String password = string(ep, "password", null);
        Path file = path(ep, "password_file", baseDir);
        if (file != null) {
            try {
                password = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(where + ".password_file: cannot read " + file + ": " + e.getMessage());
            }
        }
        return new EndpointConfig(name, host, port, user, password == null ? "" : password, string(ep, "database", null), null,
                tls(ep, baseDir, where));
    }

    /**
     * TLS to an explicit endpoint, in community.mysql's words (ca_cert, client_cert, client_key, check_hostname) and
     * MySQL's ssl_mode; a CA alone means VERIFY_CA (see EndpointTls#of). The files are read at each connection.
     */
    private static EndpointTls tls(Map<?, ?> ep, Path baseDir, String where) {
        Object check = ep.get("check_hostname");
        if (check != null && !(check instanceof Boolean)) {
            throw new ConfigException(where + ".check_hostname: expected true or false");
        }
        try {
            return EndpointTls.of(string(ep, "ssl_mode", null), path(ep, "ca_cert", baseDir), path(ep, "client_cert", baseDir),
                    path(ep, "client_key", baseDir), (Boolean) check);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static final Set<String> RESTART = Set.of("commands", "workdir", "timeout_seconds", "sample_seconds", "window_seconds");

    /**
     * restart: {commands: [[argv...], ...], timeout_seconds, sample_seconds, window_seconds}: how this host's servers
     * come back with new settings (RestartServers runs these and nothing else), and how long the agent watches both
     * tables before it says where the servers write.
     */
    static org.csmh.agent.restart.RestartConfig restart(Object section, Path baseDir) {
        var d = org.csmh.agent.restart.RestartConfig.defaults();
        if (section == null) {
            return d;
        }
        if (!(section instanceof Map<?, ?> m)) {
            throw new ConfigException("restart: expected a mapping");
        }
        unknownKeys(m, RESTART, "restart");
        java.util.List<java.util.List<String>> commands = d.commands();
        if (m.containsKey("commands")) {
            if (!(m.get("commands") instanceof java.util.List<?> l) || l.isEmpty()) {
                throw new ConfigException("restart.commands: expected a list of commands, each a list of arguments"
                        + " (e.g. [[/edx/bin/supervisorctl, restart, lms, cms, 'edxapp_worker:']])");
            }
            commands = new ArrayList<>();
            for (Object c : l) {
                if (!(c instanceof java.util.List<?> argv) || argv.isEmpty() || argv.stream().anyMatch(a -> a == null || a instanceof Map || a instanceof java.util.List)) {
                    throw new ConfigException("restart.commands: each command is a non-empty list of arguments, got " + c);
                }
                commands.add(argv.stream().map(String::valueOf).toList());
            }
        }
        Path workdir = path(m, "workdir", baseDir);
        return new org.csmh.agent.restart.RestartConfig(commands, workdir,
                number(string(m, "timeout_seconds", Integer.toString(d.timeoutSeconds())), "restart.timeout_seconds", 1, 86_400),
                number(string(m, "sample_seconds", Integer.toString(d.sampleSeconds())), "restart.sample_seconds", 1, 3_600),
                number(string(m, "window_seconds", Integer.toString(d.windowSeconds())), "restart.window_seconds", 1, 86_400));
    }

    private static final Set<String> MIGRATIONS = Set.of("python", "manage_py", "settings", "workdir", "env", "aliases", "timeout_seconds");

    /** The commands RunMigrations may run; requests only choose among these. */
    private static MigrationConfig migrations(Object section, Path baseDir, Path lms, Path cms) {
        MigrationConfig d = lms == null ? MigrationConfig.defaults() : MigrationConfig.defaults(lms, cms);
        if (section == null) {
            return d;
        }
        if (!(section instanceof Map<?, ?> m)) {
            throw new ConfigException("migrations: expected a mapping");
        }
        unknownKeys(m, MIGRATIONS, "migrations");
        Map<String, String> env = new LinkedHashMap<>(d.env());
        if (m.get("env") instanceof Map<?, ?> e) {
            e.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        } else if (m.containsKey("env")) {
            throw new ConfigException("migrations.env: expected a mapping of NAME: value");
        }
        java.util.List<String> aliases = d.aliases();
        if (m.get("aliases") instanceof java.util.List<?> l) {
            aliases = l.stream().map(String::valueOf).toList();
            for (String a : aliases) {
                if (!a.matches("[A-Za-z0-9_]{1,64}")) {
                    throw new ConfigException("migrations.aliases: invalid alias '" + a + "'");
                }
            }
        } else if (m.containsKey("aliases")) {
            throw new ConfigException("migrations.aliases: expected a list");
        }
        Path python = path(m, "python", baseDir);
        Path manage = path(m, "manage_py", baseDir);
        Path workdir = path(m, "workdir", baseDir);
        return new MigrationConfig(python == null ? d.python() : python, manage == null ? d.managePy() : manage,
                string(m, "settings", d.settings()), workdir == null ? d.workdir() : workdir, env, aliases,
                number(string(m, "timeout_seconds", Integer.toString(d.timeoutSeconds())), "migrations.timeout_seconds", 1, 86_400));
    }

    private static SecurityConfig security(Map<?, ?> map, Path baseDir) {
        Path cert = null;
        Path key = null;
        Path ca = null;
        if (map.get("tls") != null) {
            if (!(map.get("tls") instanceof Map<?, ?> tls)) {
                throw new ConfigException("tls: expected a mapping with cert, key and optionally client_ca");
            }
            unknownKeys(tls, Set.of("cert", "key", "client_ca"), "tls");
            cert = readable(path(tls, "cert", baseDir), "tls.cert");
            key = readable(path(tls, "key", baseDir), "tls.key");
            ca = tls.containsKey("client_ca") ? readable(path(tls, "client_ca", baseDir), "tls.client_ca") : null;
        }
        List<SecurityConfig.AccessToken> tokens = new ArrayList<>();
        if (map.get("auth") != null) {
            if (!(map.get("auth") instanceof Map<?, ?> auth)) {
                throw new ConfigException("auth: expected a mapping with token_file and/or tokens");
            }
            unknownKeys(auth, Set.of("token_file", "tokens"), "auth");
            if (auth.get("token_file") != null) {
                tokens.add(new SecurityConfig.AccessToken("operator", tokenFrom(path(auth, "token_file", baseDir), "auth.token_file"),
                        SecurityConfig.Scope.OPERATOR));
            }
            if (auth.get("tokens") != null) {
                if (!(auth.get("tokens") instanceof List<?> list)) {
                    throw new ConfigException("auth.tokens: expected a list of {name, file, scope}");
                }
                for (int i = 0; i < list.size(); i++) {
                    String where = "auth.tokens[" + i + "]";
                    if (!(list.get(i) instanceof Map<?, ?> t)) {
                        throw new ConfigException(where + ": expected a mapping with name, file and scope");
                    }
                    unknownKeys(t, Set.of("name", "file", "scope"), where);
                    String name = string(t, "name", null);
                    if (name == null || !name.matches("[A-Za-z0-9_.@-]{1,64}")) {
                        throw new ConfigException(where + ".name: expected 1-64 letters, digits or _.@- (it is what the audit log shows)");
                    }
                    SecurityConfig.Scope scope = switch (string(t, "scope", "")) {
                        case "read" -> SecurityConfig.Scope.READ;
                        case "operator" -> SecurityConfig.Scope.OPERATOR;
                        default -> throw new ConfigException(where + ".scope: expected read or operator");
                    };
                    tokens.add(new SecurityConfig.AccessToken(name, tokenFrom(path(t, "file", baseDir), where + ".file"), scope));
                }
            }
            if (tokens.isEmpty()) {
                throw new ConfigException("auth: give token_file or tokens");
            }
            Set<String> names = new java.util.HashSet<>();
            Set<String> secrets = new java.util.HashSet<>();
            for (SecurityConfig.AccessToken t : tokens) {
                if (!names.add(t.name())) {
                    throw new ConfigException("auth: two tokens are named '" + t.name() + "'");
                }
                if (!secrets.add(t.secret())) {
                    throw new ConfigException("auth: token '" + t.name() + "' has the same secret as another token");
                }
            }
        }
        return new SecurityConfig(cert, key, ca, tokens);
    }

    private static String tokenFrom(Path file, String where) {
        readable(file, where);
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read " + file + ": " + e.getMessage());
        }
        if (token.length() < 16) {
            throw new ConfigException(where + ": the token must be at least 16 characters");
        }
        return token;
    }

    private static Path readable(Path p, String where) {
        if (p == null) {
            throw new ConfigException(where + " is required");
        }
        if (!Files.isReadable(p)) {
            throw new ConfigException(where + ": cannot read " + p);
        }
        return p;
    }

    private static void unknownKeys(Map<?, ?> map, Set<String> allowed, String where) {
        for (Object k : map.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                throw new ConfigException(where + ": unknown key '" + k + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String string(Map<?, ?> map, String key, String fallback) {
        Object v = map.get(key);
        return v == null ? fallback : v.toString();
    }

    private static Path path(Map<?, ?> map, String key, Path baseDir) {
        String v = string(map, key, null);
        if (v == null || v.isBlank()) {
            return null;
        }
        Path p = Path.of(v);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
    }

    private static int number(String text, String where, int min, int max) {
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(where + ": expected a number from " + min + " to " + max + ", got '" + text + "'");
    }

    private static int port(String text, String where) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(where + ": invalid port '" + text + "'");
    }
}
