package org.csmh.agent.procedure;

/** Where one step stands now. */
public record StepStatus(ProcedureStep step, State state, String detail, String jobId) {
    public enum State { DONE, TODO, RUNNING, BLOCKED }

    static StepStatus done(ProcedureStep step, String detail) {
        return new StepStatus(step, State.DONE, detail, "");
    }

    static StepStatus todo(ProcedureStep step, String detail) {
        return new StepStatus(step, State.TODO, detail, "");
    }

    static StepStatus blocked(ProcedureStep step, String detail) {
        return new StepStatus(step, State.BLOCKED, detail, "");
    }

    StepStatus withJob(String id) {
        return new StepStatus(step, state, detail, id);
    }
}
