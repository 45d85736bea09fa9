package org.csmh.agent.status;

/** One line of the procedure checklist. */
public record Check(String id, String title, State state, String detail) {
    public enum State { OK, PENDING, WARNING, FAILED, INFO }
}
