package org.csmh.agent.util;

import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stderr: time, level, logger, then key=value pairs. Messages are written as events with
 * names and ids only; request messages (which carry passwords) are never logged.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static void install(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String name = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
                StringBuilder out = new StringBuilder().append("ts=").append(Instant.ofEpochMilli(r.getMillis()))
                        .append(" level=").append(r.getLevel().getName()).append(" logger=").append(name)
                        .append(' ').append(formatMessage(r));
                if (r.getThrown() != null) {
                    out.append(" error=\"").append(r.getThrown()).append('"');
                }
                return out.append(System.lineSeparator()).toString();
            }
        });
        root.addHandler(handler);
        root.setLevel(level);
        Logger.getLogger("io.grpc").setLevel(Level.WARNING);
        Logger.getLogger("io.grpc.netty").setLevel(Level.WARNING);
    }
}
