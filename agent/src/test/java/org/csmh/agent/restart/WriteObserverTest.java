package org.csmh.agent.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The observation's verdicts over a clock the test moves: no sleeping through windows. */
class WriteObserverTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T01:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AtomicLong oldMax = new AtomicLong(100);
    private final AtomicLong newMax = new AtomicLong(20_000);
    private final AtomicReference<Optional<Instant>> restarted = new AtomicReference<>(Optional.empty());
    private final WriteObserver observer = new WriteObserver(() -> new WriteObserver.Sample(clock.instant(), OptionalLong.of(oldMax.get()),
            OptionalLong.of(newMax.get())), clock, Duration.ofSeconds(60), restarted::get);

    private void tick(int seconds, long oldRows, long newRows) {
        for (int i = 0; i < seconds / 10; i++) {
            now.set(now.get().plusSeconds(10));
            oldMax.addAndGet(oldRows);
            newMax.addAndGet(newRows);
            observer.sample();
        }
    }

    @Test
    void aWholeWindowDecides() {
        observer.sample();
        tick(30, 0, 5);
        assertEquals(WriteObserver.Verdict.WATCHING, observer.observe().verdict());
        tick(40, 0, 5);
        WriteObserver.Observation o = observer.observe();
        assertEquals(WriteObserver.Verdict.ONLY_CSMHE, o.verdict(), o.detail());
        assertTrue(o.detail().startsWith("observed for 60 s: the old table stayed at max(id) 100 while CSMHE grew from 20"), o.detail());
        tick(10, 1, 5);
        assertEquals(WriteObserver.Verdict.OLD_TABLE_GROWS, observer.observe().verdict());
        // The row that grew it ages out of the window: the verdict follows the last window only.
        tick(70, 0, 5);
        assertEquals(WriteObserver.Verdict.ONLY_CSMHE, observer.observe().verdict());
        tick(70, 0, 0);
        assertEquals(WriteObserver.Verdict.NO_WRITES, observer.observe().verdict());
    }

    @Test
    void samplesBeforeTheLastRestartDoNotCount() {
        observer.sample();
        tick(120, 0, 5);
        restarted.set(Optional.of(now.get()));
        assertEquals(WriteObserver.Verdict.WATCHING, observer.observe().verdict());
        tick(60, 0, 5);
        assertEquals(WriteObserver.Verdict.ONLY_CSMHE, observer.observe().verdict());
    }

    @Test
    void anUnreadableTableSaysSoUntilTheNextGoodSample() {
        WriteObserver broken = new WriteObserver(() -> {
            throw new java.sql.SQLException("Access denied for user 'edxapp001'");
        }, clock, Duration.ofSeconds(60), Optional::empty);
        broken.sample();
        assertEquals(WriteObserver.Verdict.UNREADABLE, broken.observe().verdict());
        assertTrue(broken.observe().detail().contains("Access denied"), broken.observe().detail());
    }
}
