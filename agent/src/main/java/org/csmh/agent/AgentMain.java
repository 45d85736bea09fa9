package org.csmh.agent;

import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.csmh.agent.config.AgentConfig;
import org.csmh.agent.config.AgentConfigLoader;
import org.csmh.agent.config.ConfigException;
import org.csmh.agent.util.LogSetup;

/**
 * {@code java -jar csmh-agent.jar [--check-config] --config /etc/csmh-agent/agent.yml}. With --check-config the agent
 * reads the config and the files it names (passwords, certificates) and exits: 0 when it would start on it, 2 with
 * the problem otherwise (the role's template task validates each new config so, before replacing the old).
 */
public final class AgentMain {
    private static final Logger LOG = Logger.getLogger(AgentMain.class.getName());

    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        LogSetup.install(Level.INFO);
        Path configPath = Path.of("/etc/csmh-agent/agent.yml");
        boolean checkOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a path");
                    }
                    configPath = Path.of(args[++i]);
                }
                case "--check-config" -> checkOnly = true;
                case "--help", "-h" -> usage(null);
                default -> usage("unknown argument " + args[i]);
            }
        }
        AgentConfig config;
        try {
            config = AgentConfigLoader.load(configPath);
            if (checkOnly) {
                config.endpoints().values().forEach(AgentMain::checkFiles);
            }
        } catch (ConfigException e) {
            System.err.println("csmh-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (checkOnly) {
            System.out.println("csmh-agent: " + configPath + ": valid (" + config.endpoints().size() + " endpoints)");
            System.exit(0);
            return;
        }
        Agent agent;
        try {
            agent = new Agent(config).start();
        } catch (java.io.UncheckedIOException | java.io.IOException e) {
            System.err.println("csmh-agent: cannot start: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
            System.exit(1);
            return;
        }
        LOG.info("event=started version=" + Agent.VERSION + " config=" + configPath + " listen=" + agent.target() + " security=" + config.security());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        agent.awaitTermination();
    }


    private static void checkFiles(org.csmh.agent.config.EndpointConfig endpoint) {
        try {
            endpoint.tls().checkFiles();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("endpoints." + endpoint.name() + ": " + e.getMessage());
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("csmh-agent: " + error);
        }
        System.err.println("usage: csmh-agent [--check-config] [--config /etc/csmh-agent/agent.yml]");
        System.exit(error == null ? 0 : 2);
    }
}
