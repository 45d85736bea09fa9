package org.csmh.agent.migrate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run edx-platform's migrations on this host, from the agent's config only: a request can pick steps
 * from {@link #aliases()} and the two services, never a command.
 */
public record MigrationConfig(Path python, Path managePy, String settings, Path workdir, Map<String, String> env,
                              List<String> aliases, int timeoutSeconds) {
    public static MigrationConfig defaults() {
        return new MigrationConfig(Path.of("/edx/bin/python.edxapp"), Path.of("/edx/app/edxapp/edx-platform/manage.py"), "production",
                Path.of("/edx/app/edxapp/edx-platform"), Map.of("LMS_CFG", "/edx/etc/lms.yml", "CMS_CFG", "/edx/etc/cms.yml"),
                List.of("default", "student_module_history"), 3600);
    }

    public MigrationConfig {
        env = Map.copyOf(env);
        aliases = List.copyOf(aliases);
    }
}
