package org.csmh.client.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.csmh.proto.v1.Job;
import org.csmh.proto.v1.JobKind;
import org.csmh.proto.v1.JobState;
import org.csmh.proto.v1.Recount;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final Job AT_THE_END = Job.newBuilder().setId("c1").setKind(JobKind.JOB_KIND_COPY).setState(JobState.JOB_STATE_RUNNING)
            .setRangeStart(1).setRangeEnd(1_000_000).setCurrentId(1_000_000).setProgress(1.0).setRowsDone(1_000_000).build();

    @Test
    void aCopyInItsFinalRecountSaysSoAndHowFar() {
        String bar = ProgressBar.render(AT_THE_END.toBuilder()
                .setRecount(Recount.newBuilder().setRangeStart(1).setRangeEnd(1_000_000).setCurrentId(400_000).setProgress(0.4)).build());
        assertTrue(bar.contains("100.0%") && bar.contains("recounting ids 1..1,000,000: 40.0%"), bar);
    }

    @Test
    void withoutARecountTheBarSaysNothingOfOne() {
        assertFalse(ProgressBar.render(AT_THE_END).contains("recount"), ProgressBar.render(AT_THE_END));
    }
}
