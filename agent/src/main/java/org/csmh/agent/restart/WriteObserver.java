package org.csmh.agent.restart;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.csmh.agent.mysql.Inspector;
import org.csmh.agent.mysql.SqlErrors;
import org.csmh.agent.mysql.TableNames;

/**
 * Whether the servers really write where the settings say, as the database shows it: the old table's and CSMHE's
 * max(id), read every sample_seconds. Once ENABLE_CSMH_EXTENDED is on and every server restarted, the old table
 * stops growing while CSMHE grows; a worker still running with the settings it started with keeps writing the old
 * table. Reads cannot be seen this way (they leave no trace in the tables), and a site nobody uses in the window
 * shows nothing: the operator confirms then. Samples before the last restart do not count.
 */
public final class WriteObserver implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WriteObserver.class.getName());

    public enum Verdict {
        /** The old table stayed still for the window while CSMHE grew. */
        ONLY_CSMHE,
        /** The old table grew in the window: a server still writes it. */
        OLD_TABLE_GROWS,
        /** Neither table grew in the window (an idle site): nothing to go by. */
        NO_WRITES,
        /** Not a whole window of samples yet since the agent started or the servers restarted. */
        WATCHING,
        /** The tables could not be read. */
        UNREADABLE
    }

    /** What the samples say, with the ids that show it. */
    public record Observation(Verdict verdict, String detail, OptionalLong oldFrom, OptionalLong oldTo) {
    }

    /** The two tables' largest ids at one moment (empty where a table has no row). */
    public record Sample(Instant at, OptionalLong oldMax, OptionalLong newMax) {
    }

    /** Reads one sample; a SQLException makes the observation UNREADABLE until the next good one. */
    public interface Reader {
        Sample read() throws SQLException;
    }

    private final Reader reader;
    private final Clock clock;
    private final Duration window;
    private final Supplier<Optional<Instant>> since;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private String unreadable;
    private ScheduledExecutorService timer;

    /** @param since samples before this instant do not count (the servers' last restart) */
    public WriteObserver(Reader reader, Clock clock, Duration window, Supplier<Optional<Instant>> since) {
        this.reader = reader;
        this.clock = clock;
        this.window = window;
        this.since = since;
    }

    /**
     * Reads both tables through the endpoints as they are at each sample (lms.yml may point them elsewhere since the
     * last one).
     */
    public static Reader tables(Supplier<org.csmh.agent.mysql.Endpoint> source, Supplier<org.csmh.agent.mysql.Endpoint> target,
                                java.util.function.Function<org.csmh.agent.mysql.Endpoint, Connection> open, Clock clock) {
        return () -> {
            org.csmh.agent.mysql.Endpoint s = source.get();
            org.csmh.agent.mysql.Endpoint t = target.get();
            OptionalLong old;
            OptionalLong fresh;
            try (Connection c = open.apply(s)) {
                old = new Inspector(c).maxId(s.database(), TableNames.CSMH);
            }
            try (Connection c = open.apply(t)) {
                fresh = new Inspector(c).maxId(t.database(), TableNames.CSMHE);
            }
            return new Sample(clock.instant(), old, fresh);
        };
    }

    /** Samples every {@code every} on a daemon thread of its own. */
    public WriteObserver start(Duration every) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "write-observer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sampleQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warning("event=write_sample_failed reason=\"" + e + "\"");
        }
    }

    /** Takes one sample now. */
    public void sample() {
        Sample s;
        try {
            s = reader.read();
        } catch (SQLException | RuntimeException e) {
            synchronized (this) {
                unreadable = SqlErrors.firstLine(e);
            }
            return;
        }
        synchronized (this) {
            unreadable = null;
            samples.addLast(s);
            // Keep one sample older than the window, as its start.
            while (samples.size() > 2 && !samples.toArray(new Sample[0])[1].at().isAfter(s.at().minus(window))) {
                samples.removeFirst();
            }
        }
    }

    /** What the samples of the last window (since the last restart) say. */
    public synchronized Observation observe() {
        if (unreadable != null) {
            return new Observation(Verdict.UNREADABLE, "cannot read the tables' largest ids: " + unreadable, OptionalLong.empty(), OptionalLong.empty());
        }
        Instant now = clock.instant();
        Optional<Instant> from = since.get();
        List<Sample> counted = new ArrayList<>();
        for (Sample s : samples) {
            if (from.isEmpty() || !s.at().isBefore(from.get())) {
                counted.add(s);
            }
        }
        long seconds = window.toSeconds();
        if (counted.size() < 2 || counted.get(0).at().isAfter(now.minus(window))) {
            return new Observation(Verdict.WATCHING, "watching both tables' largest ids for " + seconds + " s"
                    + from.map(t -> " since the servers restarted (" + t + ")").orElse("") + "; "
                    + (counted.isEmpty() ? "no sample yet" : Duration.between(counted.get(0).at(), now).toSeconds() + " s so far"),
                    OptionalLong.empty(), OptionalLong.empty());
        }
        Sample first = counted.get(0);
        Sample last = counted.get(counted.size() - 1);
        long span = Duration.between(first.at(), last.at()).toSeconds();
        if (grew(first.oldMax(), last.oldMax())) {
            return new Observation(Verdict.OLD_TABLE_GROWS, "the old table grew in the last " + span + " s (max(id) " + text(first.oldMax()) + " -> "
                    + text(last.oldMax()) + "): a server still writes " + TableNames.CSMH + " (one not restarted with ENABLE_CSMH_EXTENDED on, a"
                    + " Celery worker, a cron job)", first.oldMax(), last.oldMax());
        }
        if (grew(first.newMax(), last.newMax())) {
            return new Observation(Verdict.ONLY_CSMHE, "observed for " + span + " s: the old table stayed at max(id) " + text(last.oldMax())
                    + " while CSMHE grew from " + text(first.newMax()) + " to " + text(last.newMax()), first.oldMax(), last.oldMax());
        }
        return new Observation(Verdict.NO_WRITES, "no history written to either table in the last " + span + " s: nothing shows where the"
                + " servers write; once they have been restarted with the new settings, confirm it (csmhctl restart --confirm)",
                first.oldMax(), last.oldMax());
    }

    private static boolean grew(OptionalLong from, OptionalLong to) {
        return to.isPresent() && (from.isEmpty() || to.getAsLong() > from.getAsLong());
    }

    private static String text(OptionalLong id) {
        return id.isPresent() ? Long.toString(id.getAsLong()) : "none";
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
