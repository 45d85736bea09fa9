package org.csmh.agent.settings;

import java.util.List;
import java.util.Map;

public record SettingsResult(boolean changed, List<FileResult> files, Map<String, String> ansibleOverrides, boolean dryRun) {

    public record FileResult(String path, boolean changed, String diff, String backupPath) {
    }
}
