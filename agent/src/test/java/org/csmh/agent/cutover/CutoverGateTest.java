package org.csmh.agent.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.csmh.agent.util.PreconditionException;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.junit.jupiter.api.Test;

/** The cutover gate's decision over job snapshots: instants, not text, decide "after the last copy". */
class CutoverGateTest {
    private static Job job(String id, JobKind kind, JobState state, long first, long last, String finishedAt) {
        return Job.newBuilder().setId(id).setKind(kind).setState(state).setRangeStart(first).setRangeEnd(last).setFinishedAt(finishedAt).build();
    }

    @Test
    void aVerifyThatEndedBeforeTheLastCopyDoesNotOpenTheGateWhateverTheTextSays() {
        // Instant.toString drops a zero fraction: "...:01Z" sorts after "...:01.500Z" as text, though it is earlier.
        Job copy = job("c1", JobKind.JOB_KIND_COPY, JobState.JOB_STATE_SUCCEEDED, 1, 100, "2026-01-01T00:00:01.500Z");
        Job verify = job("v1", JobKind.JOB_KIND_VERIFY, JobState.JOB_STATE_SUCCEEDED, 1, 100, "2026-01-01T00:00:01Z");
        assertTrue(verify.getFinishedAt().compareTo(copy.getFinishedAt()) > 0, "the text order is the wrong one");
        PreconditionException e = assertThrows(PreconditionException.class, () -> CutoverGate.passingVerify(List.of(copy, verify), 1, 100));
        assertTrue(e.getMessage().contains("since the last copy finished"), e.getMessage());
    }

    @Test
    void aVerifyAfterTheLastCopyOverEveryOldIdOpensIt() {
        Job copy = job("c1", JobKind.JOB_KIND_COPY, JobState.JOB_STATE_SUCCEEDED, 1, 100, "2026-01-01T00:00:01Z");
        Job partial = job("v0", JobKind.JOB_KIND_VERIFY, JobState.JOB_STATE_SUCCEEDED, 1, 50, "2026-01-01T00:00:05Z");
        Job failed = job("v1", JobKind.JOB_KIND_VERIFY, JobState.JOB_STATE_FAILED, 1, 100, "2026-01-01T00:00:06Z");
        Job good = job("v2", JobKind.JOB_KIND_VERIFY, JobState.JOB_STATE_SUCCEEDED, 1, 100, "2026-01-01T00:00:01.100Z");
        assertEquals("v2", CutoverGate.passingVerify(List.of(copy, partial, failed, good), 1, 100).getId());
        assertThrows(PreconditionException.class, () -> CutoverGate.passingVerify(List.of(copy, partial, failed), 1, 100));
    }

    @Test
    void aRunningCopyKeepsItShut() {
        Job running = job("c2", JobKind.JOB_KIND_COPY, JobState.JOB_STATE_RUNNING, 1, 100, "");
        Job good = job("v2", JobKind.JOB_KIND_VERIFY, JobState.JOB_STATE_SUCCEEDED, 1, 100, "2026-01-01T00:00:09Z");
        PreconditionException e = assertThrows(PreconditionException.class, () -> CutoverGate.passingVerify(List.of(running, good), 1, 100));
        assertTrue(e.getMessage().contains("still running"), e.getMessage());
    }
}
