package org.csmh.agent.status;

import java.util.Map;

/** One line of the procedure checklist: for people (title, detail) and for programs (id, state, fields). */
public record Check(String id, String title, State state, String detail, Map<String, String> fields) {
    public enum State { OK, PENDING, WARNING, FAILED, INFO }

    public Check(String id, String title, State state, String detail) {
        this(id, title, state, detail, Map.of());
    }

    public boolean ok() {
        return state == State.OK;
    }
}
