package org.csmh.agent.config;

import java.nio.file.Path;
import java.util.Map;

/** The agent's configuration, validated once at start and immutable after. */
public record AgentConfig(ListenAddress listen, Path lmsYml, Path cmsYml, Map<String, EndpointConfig> endpoints,
                          Path stateDir, int jobRetrySeconds, org.csmh.agent.migrate.MigrationConfig migrations,
                          SecurityConfig security, ListenAddress metrics, org.csmh.agent.restart.RestartConfig restart) {
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/csmh-agent");

    public AgentConfig {
        endpoints = Map.copyOf(endpoints);
    }
}
