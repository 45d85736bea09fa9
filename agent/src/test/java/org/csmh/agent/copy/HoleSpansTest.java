package org.csmh.agent.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.csmh.proto.v1.IdSpan;
import org.csmh.proto.v1.Job;
import org.junit.jupiter.api.Test;

class HoleSpansTest {
    private static IdSpan span(long first, long last) {
        return IdSpan.newBuilder().setFirst(first).setLast(last).setRows(last - first + 1).build();
    }

    @Test
    void aHoleThatGoesOnIntoTheNextChunkIsOneSpan() {
        Job.Builder b = Job.newBuilder();
        HoleTracker.add(b, List.of(span(5, 5), span(98, 100)));
        HoleTracker.add(b, List.of(span(101, 103), span(150, 150)));
        assertEquals(List.of(span(5, 5), span(98, 103), span(150, 150)), b.getHolesList());
        assertEquals(8, b.getHoleIds());
    }

    @Test
    void pastTheCapNeighboursMergeAndKeepCountingHoleIds() {
        Job.Builder b = Job.newBuilder();
        List<IdSpan> many = new ArrayList<>();
        for (int i = 0; i <= HoleTracker.MAX_SPANS; i++) {
            many.add(span(i * 10L, i * 10L));
        }
        HoleTracker.add(b, many);
        assertEquals((HoleTracker.MAX_SPANS + 2) / 2, b.getHolesCount());
        assertEquals(IdSpan.newBuilder().setFirst(0).setLast(10).setRows(2).build(), b.getHoles(0));
        assertEquals(HoleTracker.MAX_SPANS + 1, b.getHoleIds());
        assertEquals(HoleTracker.MAX_SPANS + 1, b.getHolesList().stream().mapToLong(IdSpan::getRows).sum());
    }
}
