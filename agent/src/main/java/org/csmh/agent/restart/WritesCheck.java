package org.csmh.agent.restart;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.csmh.agent.status.Check;

/**
 * The checklist's "writes go only to CSMHE": OK when the database showed it (the old table still, CSMHE growing,
 * over a whole window since the servers last restarted) or when the operator confirmed it; never while the old
 * table is seen growing, whatever was confirmed. The copy's growth check and the purge read the same observation.
 */
public final class WritesCheck {
    public static final String ID = "writes_observed";
    private static final String TITLE = "the servers write history only to CSMHE (observed in the database)";
    private final WriteObserver observer;
    private final ServerRestarter restarter;

    public WritesCheck(WriteObserver observer, ServerRestarter restarter) {
        this.observer = observer;
        this.restarter = restarter;
    }

    public WriteObserver.Observation observation() {
        return observer.observe();
    }

    public Check check() {
        WriteObserver.Observation o = observer.observe();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("verdict", o.verdict().name().toLowerCase(Locale.ROOT));
        restarter.lastRestart().ifPresent(t -> fields.put("restarted_at", t.toString()));
        var confirmed = restarter.confirmation();
        confirmed.ifPresent(c -> fields.put("confirmed_at", c.at().toString()));
        return switch (o.verdict()) {
            case ONLY_CSMHE -> new Check(ID, TITLE, Check.State.OK, o.detail(), fields);
            case OLD_TABLE_GROWS -> new Check(ID, TITLE, Check.State.FAILED, o.detail() + "; restart it (csmhctl restart on each edxapp host),"
                    + " then copy its rows (csmhctl copy) and verify", fields);
            default -> confirmed.isPresent()
                    ? new Check(ID, TITLE, Check.State.OK, "confirmed by the operator at " + confirmed.get().at()
                            + (confirmed.get().by().isEmpty() ? "" : " (" + confirmed.get().by() + ")") + "; the database shows: " + o.detail(), fields)
                    : new Check(ID, TITLE, Check.State.PENDING, o.detail() + "; restart the servers with the new settings (csmhctl restart),"
                            + " or confirm they run with them (csmhctl restart --confirm)", fields);
        };
    }
}
