package org.csmh.client.cli;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.csmh.client.CsmhClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** csmhctl: the command-line client of csmh-agent. */
// scope INHERIT (here for --help/--version, on each option below for the global options): every subcommand takes
// them anywhere on the line ("csmhctl copy --json", as git and kubectl users expect); picocli binds an inherited
// option to this object's field, so subcommands keep reading root.json etc.
@Command(name = "csmhctl", mixinStandardHelpOptions = true, version = "csmhctl 0.1.0", scope = CommandLine.ScopeType.INHERIT,
        description = "Drive csmh-agent: provision the CSMH database, update lms.yml, show the procedure's status.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:unexpected error", "2:bad input (usage or INVALID_ARGUMENT)",
                "3:agent or database unreachable", "4:refused (FAILED_PRECONDITION)", "5:permission denied",
                "6:status --require-complete found open steps", "7:the job failed or was cancelled", "8:plan says NO-GO"})
public final class Csmhctl implements Callable<Integer> {
    /** The commands, in the order usage lists them; see {@link #commandLine}. */
    static final List<Class<?>> SUBCOMMANDS = List.of(StatusCommand.class, ProvisionCommand.class, SettingsCommand.class,
            PlanCommand.class, JobCommands.Copy.class, JobCommands.Verify.class, JobCommands.Watch.class, JobCommands.Jobs.class, JobCommands.Show.class,
            JobCommands.Pause.class, JobCommands.Resume.class, JobCommands.Cancel.class, JobCommands.Retune.class,
            ProcedureCommands.Migrate.class, ProcedureCommands.Cutover.class, ProcedureCommands.Rollback.class,
            ProcedureCommands.Purge.class, ProcedureCommands.Restart.class, RunCommand.class, HelpCommand.class);
    /** The global options that take a value: what {@link #commandLine} skips, with its value, to find the command's name. */
    private static final Set<String> VALUED_GLOBALS = Set.of("--agent", "--timeout", "--tls-ca", "--tls-cert", "--tls-key", "--token-file");

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--agent", description = "agent address: unix:/path/to/socket or host:port (env CSMH_AGENT, default ${DEFAULT-VALUE})",
            defaultValue = "${env:CSMH_AGENT:-" + CsmhClient.DEFAULT_TARGET + "}")
    String agent;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--timeout", description = "seconds to wait for each call (default ${DEFAULT-VALUE})", defaultValue = "120")
    long timeoutSeconds;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--json", description = "print machine-readable JSON instead of text")
    boolean json;

    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--tls", description = "use TLS, trusting the system CAs (implied by --tls-ca / --tls-cert)")
    boolean tls;
    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--tls-ca", description = "CA certificate (PEM) that signed the agent's certificate")
    java.nio.file.Path tlsCa;
    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--tls-cert", description = "client certificate (PEM) for mutual TLS")
    java.nio.file.Path tlsCert;
    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--tls-key", description = "client key (PEM) for mutual TLS")
    java.nio.file.Path tlsKey;
    @Option(scope = CommandLine.ScopeType.INHERIT, names = "--token-file", description = "file holding the agent's bearer token (or env CSMH_TOKEN_FILE / CSMH_TOKEN)")
    java.nio.file.Path tokenFile;

    PrintStream out = System.out;
    PrintStream err = System.err;
    Secrets secrets = new Secrets(System.in);
    /** Progress bars only on a terminal; elsewhere job events are JSON lines. */
    boolean terminal = System.console() != null;
    /** The channel opened while the command line was parsed; see HeadStart. */
    HeadStart headStart;

    public static void main(String[] args) {
        // Netty's pooled allocator records JFR events when JFR is present: registering them costs a short-lived
        // client about 60 ms of its first call (JFR's metadata, annotation proxies), for events nobody records here.
        System.setProperty("io.grpc.netty.shaded.io.netty.jfr.enabled", "false");
        System.exit(run(args, System.out, System.err, System.in));
    }

    /** Runs one command line; returns the exit code. Used by main and by tests. */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        return run(args, out, err, in, System.console() != null);
    }

    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in, boolean terminal) {
        try (HeadStart head = HeadStart.begin(args)) { // first thing: opening the channel is the longest part of a start
            Csmhctl root = new Csmhctl();
            root.terminal = terminal;
            root.out = out;
            root.err = err;
            root.secrets = new Secrets(in);
            root.headStart = head;
            CommandLine cl = commandLine(root, args);
            cl.setOut(new java.io.PrintWriter(out, true));
            cl.setErr(new java.io.PrintWriter(err, true));
            cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> root.fail(e));
            // A usage error says what is wrong in one line (and as {"error": ...} with --json), then how to get help.
            cl.setParameterExceptionHandler((e, ignored) -> {
                root.json = java.util.Arrays.asList(args).contains("--json");
                root.report("INVALID_ARGUMENT", e.getMessage());
                if (!root.json) {
                    err.println("see: csmhctl " + (e.getCommandLine().getParent() == null ? "" : e.getCommandLine().getCommandName() + " ") + "--help");
                }
                return ExitCodes.USAGE;
            });
            return cl.execute(args);
        }
    }

    /**
     * The command line with the one command {@code args} name, or every command when they name none (usage, --help,
     * a misspelt name, for which picocli suggests the right one). Picocli builds a command's whole model (every
     * option, by reflection) when it is added: all seventeen cost a short-lived csmhctl about 40 ms of every start.
     * Only global options can come before the command's name, so the first word that is not one, nor a value of
     * one, is the name.
     */
    public static CommandLine commandLine(Csmhctl root, String[] args) {
        CommandLine cl = new CommandLine(root);
        String named = null;
        for (int i = 0; i < args.length && named == null; i++) {
            if (VALUED_GLOBALS.contains(args[i])) {
                i++;
            } else if (!args[i].startsWith("-")) {
                named = args[i];
            } else if (args[i].equals("--")) {
                break;
            }
        }
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : SUBCOMMANDS) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        if (named != null && byName.containsKey(named)) {
            cl.addSubcommand(named, byName.get(named));
        } else {
            byName.forEach(cl::addSubcommand);
        }
        return cl;
    }

    @Override
    public Integer call() {
        commandLine(this, new String[0]).usage(out);
        return ExitCodes.USAGE;
    }

    /**
     * Connects, runs the call, prints the response as JSON or hands it to {@code human}, which prints text (only
     * when not in JSON mode) and returns the exit code.
     */
    <T extends Message> int execute(Function<CsmhClient, T> call, Function<T, Integer> human) {
        T response = withClient(call);
        if (json) {
            // One document per line, every field present, so scripts can read it line by line.
            try {
                out.println(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace().print(response));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return human.apply(response);
    }

    /**
     * Runs calls on a connected client (a streaming command needs it past its first call). The command's calls have
     * ended when {@code body} returns and csmhctl exits next: the channel is dropped, not wound down.
     */
    <T> T withClient(Function<CsmhClient, T> body) {
        CsmhClient client = connect();
        try {
            return body.apply(client);
        } finally {
            client.closeForExit();
        }
    }

    /** A client with the TLS and token options given; the token never comes from argv. */
    CsmhClient connect() {
        if (timeoutSeconds <= 0) {
            throw new UsageException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new UsageException("--tls-cert and --tls-key go together");
        }
        String token = null;
        java.nio.file.Path file = tokenFile != null ? tokenFile
                : System.getenv("CSMH_TOKEN_FILE") != null ? java.nio.file.Path.of(System.getenv("CSMH_TOKEN_FILE")) : null;
        if (file != null) {
            try {
                token = java.nio.file.Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (java.io.IOException e) {
                throw new UsageException("--token-file: cannot read " + file + ": " + e.getMessage());
            }
        } else if (System.getenv("CSMH_TOKEN") != null) {
            token = System.getenv("CSMH_TOKEN").strip();
        }
        org.csmh.client.ClientSecurity security = new org.csmh.client.ClientSecurity(tls, tlsCa, tlsCert, tlsKey, token);
        org.csmh.client.AgentChannel early = headStart == null ? null : headStart.take(agent, security);
        if (early != null) {
            return new CsmhClient(early, timeoutSeconds * 1000);
        }
        try {
            return CsmhClient.connect(agent, timeoutSeconds * 1000, security);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (java.io.IOException e) {
            throw new UsageException("TLS files: " + e.getMessage());
        }
    }

    int fail(Exception e) {
        if (e instanceof UsageException) {
            report("INVALID_ARGUMENT", e.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof StatusRuntimeException s) {
            String message = s.getStatus().getDescription() == null ? s.getStatus().getCode().toString() : s.getStatus().getDescription();
            if (s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE && s.getStatus().getCause() != null) {
                Throwable cause = s.getStatus().getCause();
                // Netty reports a missing socket file as a FileNotFoundException without a message
                String why = cause instanceof java.io.FileNotFoundException && cause.getMessage() == null
                        ? "no socket at that path (is the agent running?)"
                        : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
                message = "cannot reach the agent at " + agent + ": " + why;
            }
            report(s.getStatus().getCode().name(), message);
            return ExitCodes.of(s.getStatus().getCode());
        }
        report("INTERNAL", e.toString());
        return ExitCodes.ERROR;
    }

    void report(String code, String message) {
        if (json) {
            out.println("{\"error\": {\"code\": \"" + code + "\", \"message\": " + jsonString(message) + "}}");
        }
        err.println("csmhctl: " + message);
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String compactJson(Message m) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(m);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Merges a proto3-JSON request from a file or '-' (stdin): how scripts pass a whole request, secrets included. */
    <B extends Message.Builder> B mergeRequest(Path request, B builder) {
        if (request == null) {
            return builder;
        }
        String text = request.toString().equals("-") ? secrets.readStdin("--request") : readFile(request);
        try {
            JsonFormat.parser().merge(text, builder);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new UsageException("--request: not a valid " + builder.getDescriptorForType().getName() + " JSON: " + e.getMessage());
        }
        return builder;
    }

    private static String readFile(Path p) {
        try {
            return java.nio.file.Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new UsageException("--request: cannot read " + p + ": " + e.getMessage());
        }
    }
}
