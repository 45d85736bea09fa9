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
    /** The configuration repository's install: /edx/etc/lms.yml and /edx/etc/studio.yml. */
    public static MigrationConfig defaults() {
        return defaults(Path.of("/edx/etc/lms.yml"), Path.of("/edx/etc/studio.yml"));
    }

    /**
     * The settings files in the commands' environment are the ones the agent edits: LMS_CFG, and for the CMS both
     * CMS_CFG (read first by current edx-platform) and STUDIO_CFG (what the configuration repository exports, and all
     * that older releases read).
     */
    public static MigrationConfig defaults(Path lmsYml, Path cmsYml) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("LMS_CFG", lmsYml.toString());
        if (cmsYml != null) {
            env.put("CMS_CFG", cmsYml.toString());
            env.put("STUDIO_CFG", cmsYml.toString());
        }
        return new MigrationConfig(Path.of("/edx/bin/python.edxapp"), Path.of("/edx/app/edxapp/edx-platform/manage.py"), "production",
                Path.of("/edx/app/edxapp/edx-platform"), env, List.of("default", "student_module_history"), 3600);
    }

    public MigrationConfig {
        env = Map.copyOf(env);
        aliases = List.copyOf(aliases);
    }
}
