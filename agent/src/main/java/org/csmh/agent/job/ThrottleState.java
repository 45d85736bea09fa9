package org.csmh.agent.job;

/**
 * Whether to wait before the next chunk, and why. {@code blind}: a metric could not be read, so the job waits without
 * knowing how the server is doing; it fails once that has lasted the pace's max_unreadable_seconds.
 */
public record ThrottleState(String reason, boolean blind) {
    public static final ThrottleState GO = new ThrottleState(null, false);

    public static ThrottleState waitFor(String reason) {
        return new ThrottleState(reason, false);
    }

    public static ThrottleState blind(String reason) {
        return new ThrottleState(reason, true);
    }

    public boolean go() {
        return reason == null;
    }
}
