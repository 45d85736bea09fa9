package org.csmh.agent.throttle;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.csmh.proto.v1.LoadLimit;
import org.csmh.proto.v1.Pace;

/**
 * The load signals a pace names and their limits, and how to read them all from one server in one round trip
 * where they are status variables. Built-in signals are the ones with a class of their own.
 */
public final class LoadSignals {
    /** Built-in signals by name. A new one is a class and a line here. */
    static final Map<String, LoadSignal> BUILT_IN = byName(List.of(new HistoryLength()));
    /** A status variable's name as the servers spell them; anything else could not be one (and is not SQL-safe). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private LoadSignals() {
    }

    private static Map<String, LoadSignal> byName(List<LoadSignal> signals) {
        Map<String, LoadSignal> m = new LinkedHashMap<>();
        signals.forEach(s -> m.put(s.name().toLowerCase(Locale.ROOT), s));
        return Map.copyOf(m);
    }

    /** Whether {@code name} can be a signal: a built-in, or spelled as a status variable. */
    public static boolean wellFormed(String name) {
        return NAME.matcher(name).matches();
    }

    public static boolean builtIn(String name) {
        return BUILT_IN.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Every limit the pace sets, by signal name: Threads_running from max_threads_running, then max_load's. */
    public static Map<String, Long> limits(Pace pace) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (pace.getMaxThreadsRunning() > 0) {
            out.put("Threads_running", Integer.toUnsignedLong(pace.getMaxThreadsRunning()));
        }
        for (LoadLimit l : pace.getMaxLoadList()) {
            // The same name twice (Threads_running in both places): the stricter limit holds.
            out.merge(canonical(out.keySet(), l.getName()), l.getLimit(), Math::min);
        }
        return out;
    }

    /** Status variable names are case-insensitive: Threads_running and THREADS_RUNNING are one limit. */
    private static String canonical(Collection<String> known, String name) {
        return known.stream().filter(k -> k.equalsIgnoreCase(name)).findFirst().orElse(name);
    }

    /**
     * Reads each named signal on one server. Status variables come from one SHOW GLOBAL STATUS; a name the server does
     * not report is unreadable (it may exist on another engine). A lost connection is thrown.
     */
    public static Map<String, ThrottleMetrics.Reading> read(Connection server, Collection<String> names) throws SQLException {
        Map<String, ThrottleMetrics.Reading> out = new LinkedHashMap<>();
        List<String> variables = new ArrayList<>();
        for (String name : names) {
            LoadSignal signal = BUILT_IN.get(name.toLowerCase(Locale.ROOT));
            if (signal != null) {
                out.put(name, signal.read(server));
            } else if (wellFormed(name)) {
                variables.add(name);
            } else {
                out.put(name, ThrottleMetrics.Reading.failed("not a status variable name"));
            }
        }
        if (!variables.isEmpty()) {
            Map<String, Long> values = statusVariables(server, variables);
            for (String name : variables) {
                Long v = values.get(name.toLowerCase(Locale.ROOT));
                out.put(name, v != null ? ThrottleMetrics.Reading.of(v)
                        : ThrottleMetrics.Reading.failed(name + " is not reported by SHOW GLOBAL STATUS"));
            }
        }
        return out;
    }

    private static Map<String, Long> statusVariables(Connection server, List<String> names) throws SQLException {
        // Names were checked against NAME above, so they are safe to quote inline.
        String in = String.join(",", names.stream().map(n -> "'" + n + "'").toList());
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement st = server.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN (" + in + ")")) {
            while (rs.next()) {
                try {
                    out.put(rs.getString(1).toLowerCase(Locale.ROOT), Long.parseLong(rs.getString(2).trim()));
                } catch (NumberFormatException notANumber) {
                    // A text status (Ssl_cipher, ...) has no limit to pass: left unreadable.
                }
            }
        }
        return out;
    }
}
