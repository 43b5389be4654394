package com.certyneo.engine.pades.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SLF4J backend that records every event at every level, as an embedder's logging backend configured at DEBUG
 * would see them. Bound with {@code -Dslf4j.provider=com.certyneo.engine.pades.logging.CapturingLogProvider} (the
 * surefire execution {@code quiet-logs} of this module), never through a service file: the other tests of the
 * module keep slf4j-simple.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {

    /** One logging call. */
    public record Event(Level level, String logger, String message, Throwable throwable) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message + (throwable == null ? "" : " [" + throwable + "]");
        }
    }

    private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final Factory factory = new Factory();

    /** @return the events recorded so far, oldest first */
    public static List<Event> events() {
        return List.copyOf(EVENTS);
    }

    /** Forgets the events recorded so far. */
    public static void clear() {
        EVENTS.clear();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    /** The factory of {@link RecordingLogger}s; {@code LoggerFactory.getILoggerFactory()} returns it when bound. */
    static final class Factory implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, RecordingLogger::new);
        }
    }

    private static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        RecordingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            EVENTS.add(new Event(level, name, MessageFormatter.basicArrayFormat(pattern, arguments), throwable));
        }
    }
}
