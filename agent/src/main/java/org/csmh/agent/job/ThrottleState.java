package org.csmh.agent.job;

import org.csmh.proto.v1.Throttle;
import org.csmh.proto.v1.ThrottleCause;

/**
 * Whether to wait before the next chunk, and why: typed ({@code detail}, what status, metrics and csmhctl read) and
 * in words ({@code reason}). Blind: a signal could not be read, so the job waits without knowing how the server is
 * doing; it fails once that has lasted the pace's max_unreadable_seconds.
 */
public record ThrottleState(String reason, Throttle detail) {
    public static final ThrottleState GO = new ThrottleState(null, Throttle.getDefaultInstance());

    public static ThrottleState of(Throttle detail, String reason) {
        return new ThrottleState(reason, detail);
    }

    /** A load signal over its limit, when only the words are known (tests, simple callers). */
    public static ThrottleState waitFor(String reason) {
        return of(Throttle.newBuilder().setCause(ThrottleCause.THROTTLE_CAUSE_LOAD).build(), reason);
    }

    public static ThrottleState blind(String reason) {
        return of(Throttle.newBuilder().setCause(ThrottleCause.THROTTLE_CAUSE_UNREADABLE).build(), reason);
    }

    public boolean go() {
        return reason == null;
    }

    public boolean blind() {
        return detail.getCause() == ThrottleCause.THROTTLE_CAUSE_UNREADABLE;
    }
}
