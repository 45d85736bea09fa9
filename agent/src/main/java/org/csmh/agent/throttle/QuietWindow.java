package org.csmh.agent.throttle;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.csmh.agent.util.InvalidInputException;

/**
 * Quiet hours: the local times of day a job may run, as ranges like {@code 01:00-06:00} (several, comma-separated; a
 * range whose end is not after its start crosses midnight; {@code 00:00-24:00} is the whole day) read in an IANA time
 * zone. Across a DST change a range keeps its wall-clock times, as a person reading a clock there would.
 */
public final class QuietWindow {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final LocalTime MIDNIGHT = LocalTime.MIDNIGHT;

    /** One range of the day, start inclusive, end exclusive; {@code end == null} means midnight at the day's end. */
    record Range(LocalTime start, LocalTime end) {
        boolean crossesMidnight() {
            return end != null && !end.isAfter(start);
        }

        boolean contains(LocalTime t) {
            if (end == null) {
                return !t.isBefore(start);
            }
            return crossesMidnight() ? !t.isBefore(start) || t.isBefore(end) : !t.isBefore(start) && t.isBefore(end);
        }

        @Override
        public String toString() {
            return start.format(HH_MM) + "-" + (end == null ? "24:00" : end.format(HH_MM));
        }
    }

    private final List<Range> ranges;
    private final ZoneId zone;
    private final String spec;

    private QuietWindow(List<Range> ranges, ZoneId zone, String spec) {
        this.ranges = ranges;
        this.zone = zone;
        this.spec = spec;
    }

    /** An empty spec is "any time" (null). Bad input is refused naming what is wrong. */
    public static QuietWindow parse(String spec, String timeZone) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        ZoneId zone = zone(timeZone);
        List<Range> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            if (dash < 0) {
                throw new InvalidInputException("window range " + printable(p) + " is not HH:MM-HH:MM");
            }
            LocalTime start = time(p.substring(0, dash).trim(), p);
            String endText = p.substring(dash + 1).trim();
            LocalTime end = endText.equals("24:00") ? null : time(endText, p);
            if (end != null && end.equals(start)) {
                throw new InvalidInputException("window range " + printable(p) + " is empty (use 00:00-24:00 for the whole day)");
            }
            ranges.add(new Range(start, end));
        }
        return new QuietWindow(List.copyOf(ranges), zone, spec.trim());
    }

    /** The zone a window is read in; blank means the agent host's. */
    public static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(timeZone.trim());
        } catch (DateTimeException e) {
            throw new InvalidInputException("time zone " + printable(timeZone) + " is not an IANA zone name (e.g. Europe/Paris, UTC)");
        }
    }

    private static LocalTime time(String text, String range) {
        try {
            return LocalTime.parse(text.length() == 4 ? "0" + text : text, HH_MM);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("window range " + printable(range) + ": " + printable(text) + " is not a time HH:MM");
        }
    }

    private static String printable(String s) {
        return org.csmh.agent.mysql.SqlNames.printable(s);
    }

    public ZoneId zone() {
        return zone;
    }

    public boolean open(Instant at) {
        LocalTime t = at.atZone(zone).toLocalTime();
        return ranges.stream().anyMatch(r -> r.contains(t));
    }

    /** When the window next opens at or after {@code at} ({@code at} itself when open now). */
    public ZonedDateTime nextOpen(Instant at) {
        ZonedDateTime now = at.atZone(zone);
        if (open(at)) {
            return now;
        }
        ZonedDateTime best = null;
        LocalDate day = now.toLocalDate();
        for (int d = 0; d <= 1; d++) {
            for (Range r : ranges) {
                ZonedDateTime start = startOf(day.plusDays(d).atTime(r.start()));
                if (start.isAfter(now) && (best == null || start.isBefore(best))) {
                    best = start;
                }
            }
        }
        return best;
    }

    /**
     * A range's start on a given day. One that falls in a spring-forward gap opens when the gap ends (the clock's first
     * time inside the range), not a gap's length later as {@code atZone} would put it.
     */
    private ZonedDateTime startOf(java.time.LocalDateTime local) {
        java.time.zone.ZoneOffsetTransition t = zone.getRules().getTransition(local);
        if (t != null && t.isGap()) {
            return t.getInstant().atZone(zone);
        }
        return local.atZone(zone);
    }

    /** How many seconds of each day the window is open (DST days aside): what the plan spreads a job over. */
    public long openSecondsPerDay() {
        boolean[] minutes = new boolean[24 * 60];
        for (Range r : ranges) {
            int s = r.start().toSecondOfDay() / 60;
            int e = r.end() == null ? 24 * 60 : r.end().toSecondOfDay() / 60;
            if (e <= s) {
                e += 24 * 60;
            }
            for (int m = s; m < e; m++) {
                minutes[m % (24 * 60)] = true;
            }
        }
        long open = 0;
        for (boolean b : minutes) {
            open += b ? 60 : 0;
        }
        return open;
    }

    /**
     * Wall-clock time from {@code from} until {@code workSeconds} of open window have passed: the job runs only while
     * the window is open. Walks the windows a day at a time, so a long job over many nights is quick to compute.
     */
    public Duration wallClock(Instant from, long workSeconds) {
        Instant t = from;
        long left = workSeconds;
        for (int guard = 0; guard < 100_000 && left > 0; guard++) {
            ZonedDateTime opens = nextOpen(t);
            Instant closes = closesAfter(opens.toInstant());
            long span = Duration.between(opens.toInstant(), closes).getSeconds();
            if (span >= left) {
                return Duration.between(from, opens.toInstant().plusSeconds(left));
            }
            left -= span;
            t = closes;
        }
        return Duration.between(from, t);
    }

    /** The first instant after {@code openAt} when the window is closed (minute steps: ranges are in whole minutes). */
    private Instant closesAfter(Instant openAt) {
        Instant t = openAt.plusSeconds(60 - openAt.getEpochSecond() % 60);
        for (int i = 0; i < 2 * 24 * 60 + 1 && open(t); i++) {
            t = t.plusSeconds(60);
        }
        return t;
    }

    @Override
    public String toString() {
        return spec + " " + zone.getId();
    }
}
