package org.csmh.agent.purge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.csmh.proto.v1.IdSpan;
import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.junit.jupiter.api.Test;

class TruncateCheckTest {
    private static Job job(JobKind kind, long start, long end, long rows, String finished) {
        return Job.newBuilder().setId(kind.name() + finished).setKind(kind).setState(JobState.JOB_STATE_SUCCEEDED).setRangeStart(start)
                .setRangeEnd(end).setRowsDone(rows).setFinishedAt(finished).build();
    }

    private static TruncateCheck.OldTable table(long rows, long min, long max) {
        return new TruncateCheck.OldTable(rows, OptionalLong.of(min), OptionalLong.of(max));
    }

    private static final Job COPY = job(JobKind.JOB_KIND_COPY, 1, 1000, 1000, "2026-01-01T00:00:00Z");
    private static final Job VERIFY = job(JobKind.JOB_KIND_VERIFY, 1, 1000, 990, "2026-01-01T01:00:00Z");

    @Test
    void anEmptyTableMayAlwaysGo() {
        assertEquals(Optional.empty(), TruncateCheck.refusal(List.of(), new TruncateCheck.OldTable(0, OptionalLong.empty(), OptionalLong.empty())));
    }

    @Test
    void theRowsAVerifyCountedMayGo() {
        assertEquals(Optional.empty(), TruncateCheck.refusal(List.of(COPY, VERIFY), table(990, 1, 1000)));
        assertEquals(Optional.empty(), TruncateCheck.refusal(List.of(COPY, VERIFY), table(TruncateCheck.NOT_COUNTED, 1, 1000)));
    }

    @Test
    void aRowAboveTheVerifiedRangeOrALateCommitOrNoVerifyStopsIt() {
        assertTrue(TruncateCheck.refusal(List.of(COPY, VERIFY), table(991, 1, 1001)).orElseThrow().contains("no passing verify covers old ids 1..1001"));
        String late = TruncateCheck.refusal(List.of(COPY, VERIFY), table(991, 1, 1000)).orElseThrow();
        assertTrue(late.startsWith("the old table holds 991 rows at ids 1..1000 where verify"), late);
        assertTrue(TruncateCheck.refusal(List.of(COPY), table(990, 1, 1000)).isPresent());
        // A verify from before the last copy does not count.
        Job later = job(JobKind.JOB_KIND_COPY, 1, 1000, 5, "2026-01-01T02:00:00Z");
        assertTrue(TruncateCheck.refusal(List.of(COPY, VERIFY, later), table(990, 1, 1000)).orElseThrow().contains("since the last copy finished"));
    }

    @Test
    void keptRowsAreCountedAndSpannedUpToTheCap() {
        Job.Builder b = Job.newBuilder();
        PurgeRunner.keep(b, ChunkPurge.Outcome.allDeleted(10));
        assertEquals(0, b.getKeptCount());
        for (int i = 0; i < PurgeRunner.MAX_KEPT_SPANS + 5; i++) {
            PurgeRunner.keep(b, new ChunkPurge.Outcome(3, 2, i * 100L + 1, i * 100L + 7));
        }
        assertEquals(PurgeRunner.MAX_KEPT_SPANS, b.getKeptCount());
        assertEquals(2L * (PurgeRunner.MAX_KEPT_SPANS + 5), b.getRowsKept());
        IdSpan last = b.getKept(PurgeRunner.MAX_KEPT_SPANS - 1);
        assertEquals(9_901, last.getFirst());
        assertEquals(10_407, last.getLast());
        assertEquals(12, last.getRows());
        assertTrue(PurgeRunner.keptMessage(b.build()).startsWith("210 old rows left in the old table at ids 1..7, 101..107,"));
    }
}
