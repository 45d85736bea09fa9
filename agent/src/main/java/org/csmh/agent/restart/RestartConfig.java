package org.csmh.agent.restart;

import java.nio.file.Path;
import java.util.List;

/**
 * How to bring this host's servers back online with new settings, from the agent's config only (a request never
 * names a command), and how the agent watches whether they write where the settings say.
 *
 * @param commands       run in order, each an argv; the first that fails stops the rest
 * @param sampleSeconds  how often both tables' max(id) are read
 * @param windowSeconds  how long the old table must stay still while CSMHE grows for writes to count as moved
 */
public record RestartConfig(List<List<String>> commands, Path workdir, int timeoutSeconds, int sampleSeconds, int windowSeconds) {
    /**
     * A configuration-repository host: supervisor runs the LMS, Studio and the edxapp Celery workers, and its
     * supervisorctl restarts them with the settings files as they are now (the edxapp role's own handler does the
     * same).
     */
    public static RestartConfig defaults() {
        return new RestartConfig(List.of(List.of("/edx/bin/supervisorctl", "restart", "lms", "cms", "edxapp_worker:")), null, 600, 30, 600);
    }

    public RestartConfig {
        commands = commands.stream().map(List::copyOf).toList();
    }
}
