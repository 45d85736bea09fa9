package org.csmh.agent.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import org.csmh.agent.util.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Quiet hours read with instants the test chooses: no clock, no sleeping until 01:00. */
class QuietWindowTest {
    private static Instant at(String local, String zone) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), java.time.ZoneId.of(zone)).toInstant();
    }

    @Test
    void anEmptyWindowIsAnyTime() {
        assertNull(QuietWindow.parse("", "UTC"));
        assertNull(QuietWindow.parse("  ", null));
    }

    @Test
    void aNightRangeIsOpenInsideAndClosedOutside() {
        QuietWindow w = QuietWindow.parse("01:00-06:00", "UTC");
        assertTrue(w.open(at("2026-12-08T01:00", "UTC")));
        assertTrue(w.open(at("2026-12-08T05:59", "UTC")));
        assertFalse(w.open(at("2026-12-08T06:00", "UTC")));
        assertFalse(w.open(at("2026-12-08T00:59", "UTC")));
        assertEquals(at("2026-12-09T01:00", "UTC"), w.nextOpen(at("2026-12-08T06:00", "UTC")).toInstant());
        assertEquals(at("2026-12-08T01:00", "UTC"), w.nextOpen(at("2026-12-08T00:10", "UTC")).toInstant());
    }

    @Test
    void aRangeCrossingMidnightAndSeveralRanges() {
        QuietWindow w = QuietWindow.parse("22:00-02:00, 12:00-13:00", "America/New_York");
        assertTrue(w.open(at("2026-12-08T23:30", "America/New_York")));
        assertTrue(w.open(at("2026-12-09T01:59", "America/New_York")));
        assertFalse(w.open(at("2026-12-09T02:00", "America/New_York")));
        assertTrue(w.open(at("2026-12-09T12:30", "America/New_York")));
        assertEquals(at("2026-12-09T12:00", "America/New_York"), w.nextOpen(at("2026-12-09T02:00", "America/New_York")).toInstant());
        assertEquals(5 * 3600, w.openSecondsPerDay());
        assertEquals(86_400, QuietWindow.parse("00:00-24:00", "UTC").openSecondsPerDay());
    }

    @Test
    void theWindowIsReadInItsZone() {
        QuietWindow paris = QuietWindow.parse("01:00-06:00", "Europe/Paris");
        // 00:30 UTC in winter is 01:30 in Paris.
        assertTrue(paris.open(Instant.parse("2026-12-08T00:30:00Z")));
        assertFalse(QuietWindow.parse("01:00-06:00", "UTC").open(Instant.parse("2026-12-08T00:30:00Z")));
    }

    @Test
    void aStartInTheSpringForwardGapOpensRightAfterIt() {
        // Europe/Paris skips 02:00-03:00 on 2027-03-28: a 02:30 start opens at 03:00 local.
        QuietWindow w = QuietWindow.parse("02:30-05:00", "Europe/Paris");
        ZonedDateTime opens = w.nextOpen(Instant.parse("2027-03-27T12:00:00Z"));
        assertEquals(Instant.parse("2027-03-28T01:00:00Z"), opens.toInstant());
    }

    @Test
    void wallClockSpreadsWorkOverTheOpenHours() {
        QuietWindow w = QuietWindow.parse("01:00-06:00", "UTC");
        // 8 hours of work from noon: 5 h the first night (01:00-06:00), 3 h the second (01:00-04:00).
        Duration d = w.wallClock(Instant.parse("2026-12-08T12:00:00Z"), 8 * 3600);
        assertEquals(Duration.between(Instant.parse("2026-12-08T12:00:00Z"), Instant.parse("2026-12-10T04:00:00Z")), d);
        // Inside the window already: the first night's rest counts.
        assertEquals(Duration.ofHours(1), w.wallClock(Instant.parse("2026-12-08T02:00:00Z"), 3600));
    }

    @Test
    void badWindowsAndZonesAreRefusedSayingWhat() {
        assertEquals("window range '1am-6am': '1am' is not a time HH:MM",
                assertThrows(InvalidInputException.class, () -> QuietWindow.parse("1am-6am", "UTC")).getMessage());
        assertEquals("window range '01:00' is not HH:MM-HH:MM",
                assertThrows(InvalidInputException.class, () -> QuietWindow.parse("01:00", "UTC")).getMessage());
        assertEquals("window range '03:00-03:00' is empty (use 00:00-24:00 for the whole day)",
                assertThrows(InvalidInputException.class, () -> QuietWindow.parse("03:00-03:00", "UTC")).getMessage());
        assertEquals("time zone 'Mars/Olympus' is not an IANA zone name (e.g. Europe/Paris, UTC)",
                assertThrows(InvalidInputException.class, () -> QuietWindow.parse("01:00-02:00", "Mars/Olympus")).getMessage());
    }
}
