package org.csmh.agent.server;

import org.csmh.agent.settings.SettingsResult;
import org.csmh.proto.v1.FileChange;
import org.csmh.proto.v1.UpdateSettingsResponse;

/** A settings edit's result as the API returns it (UpdateSettings, and inside Cutover/Rollback). */
final class SettingsResponses {
    private SettingsResponses() {
    }

    static UpdateSettingsResponse of(SettingsResult r) {
        UpdateSettingsResponse.Builder b = UpdateSettingsResponse.newBuilder().setChanged(r.changed()).setDryRun(r.dryRun())
                .putAllAnsibleOverridesJson(r.ansibleOverridesJson()).addAllNextDeployChanges(r.nextDeployChanges());
        putDeprecated(b, r);
        for (SettingsResult.FileResult f : r.files()) {
            b.addFiles(FileChange.newBuilder().setPath(f.path()).setChanged(f.changed()).setDiff(f.diff()).setBackupPath(f.backupPath()));
        }
        return b.build();
    }

    /** Kept filled for clients of the first release. */
    @SuppressWarnings("deprecation")
    private static void putDeprecated(UpdateSettingsResponse.Builder b, SettingsResult r) {
        b.putAllAnsibleOverrides(r.ansibleOverrides());
    }
}
