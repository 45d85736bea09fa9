package org.csmh.agent.cutover;

import org.csmh.agent.settings.LmsSettingsEditor;
import org.csmh.agent.settings.SettingsChange;
import org.csmh.agent.settings.SettingsResult;

/** Cutover and rollback: the reading flag in every managed settings file, the cutover behind its verify gate. */
public final class Cutover {
    private final CutoverGate gate;
    private final LmsSettingsEditor settings;

    /** The files changed, and the verify job that opened the gate (empty when forced or rolling back). */
    public record Result(SettingsResult settings, String verifyJobId) {
    }

    public Cutover(CutoverGate gate, LmsSettingsEditor settings) {
        this.gate = gate;
        this.settings = settings;
    }

    public Result cutover(boolean force, boolean dryRun) {
        String verify = force ? "" : gate.passingVerify().getId();
        return new Result(settings.apply(SettingsChange.readingFromMultipleTables(false, dryRun)), verify);
    }

    public Result rollback(boolean dryRun) {
        return new Result(settings.apply(SettingsChange.readingFromMultipleTables(true, dryRun)), "");
    }
}
