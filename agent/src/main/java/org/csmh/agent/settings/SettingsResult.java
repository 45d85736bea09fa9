package org.csmh.agent.settings;

import java.util.List;
import java.util.Map;

/**
 * @param ansibleOverrides the edxapp.yml variables, each value as text (deprecated form)
 * @param ansibleOverridesJson the same, each value a JSON literal (typed)
 * @param nextDeployChanges what the next edxapp deploy would still change
 */
public record SettingsResult(boolean changed, List<FileResult> files, Map<String, String> ansibleOverrides,
                             Map<String, String> ansibleOverridesJson, List<String> nextDeployChanges, boolean dryRun) {

    public record FileResult(String path, boolean changed, String diff, String backupPath) {
    }
}
