package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.ResourceLimits;
import com.certyneo.engine.SignatureEngineException;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The time budget of one operation on one document, and the worker thread that runs it.
 *
 * <p>{@link #run} does the document work on a worker thread (pooled, never shared by two operations at once) and
 * waits for it until the deadline;
 * when the deadline passes first, the caller gets {@link ErrorCode#RESOURCE_LIMIT} at once (after a short
 * grace period for the work to stop), never a hang. PDFBox's and DSS's loops cannot be stopped from outside
 * (Java has no safe way to kill a thread; {@code Thread.stop} corrupts shared state and is gone from JDK 20
 * on), so the work is stopped cooperatively:
 * <ul>
 *   <li>the worker is interrupted: file reads through a {@link java.nio.channels.FileChannel} (PDFBox on the
 *   large-document path, the engine's own readers) fail at once, so that work unwinds;</li>
 *   <li>{@link #check()} points in the engine and in the hooks it gives DSS (rendered-page comparison,
 *   time-stamp requests) throw once the budget is spent;</li>
 *   <li>{@link #commit()} before any output is written: expired work can never write its output, and output
 *   being written is always completed (then the caller gets the result even if the deadline passes
 *   meanwhile).</li>
 * </ul>
 * Work stuck inside one library call with no check point (a pathological font, say) goes on in the
 * background until that call returns; it is bounded by the object limit and by the rendering guard
 * ({@link RenderingGuard}), which keeps the known unbounded cases away from the libraries.
 *
 * <p>An engine built with {@code onCallerThread(true)} runs the work on the caller's thread instead
 * ({@link #run(String, ResourceLimits, boolean, Supplier)}): the same check points, and an interrupt of that thread
 * at the deadline, stop it; work stuck inside one library call then answers when the call returns.
 *
 * <p>The limits of the operation running on the current thread are {@link #limits()}; code without a
 * budget (tests calling package internals directly) sees the default limits and no deadline.
 */
final class Budget {

    /**
     * How long the caller waits at most, after the deadline, for expired work to unwind (and delete its
     * temporary files): half the time limit, within 1 to 5 seconds.
     */
    private static final long MIN_GRACE_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long MAX_GRACE_NANOS = Duration.ofSeconds(5).toNanos();

    private static final ThreadLocal<Budget> CURRENT = new ThreadLocal<>();
    private static final AtomicLong WORKERS = new AtomicLong();

    /**
     * The worker threads, reused from one operation to the next: creating and starting a thread for each operation
     * cost 0.15-0.2 ms on the project's 2-core machine (a tenth of a one-page signature), handing work to an idle
     * thread about 0.03 ms. A thread is added whenever none is idle (operations never queue behind one another, and
     * expired work still running in the background holds only its own thread); idle threads end after a minute.
     *
     * <p>Not a {@code ThreadPoolExecutor}: its worker tells the caller the outcome and only then goes back to wait
     * for the next task, so the caller's next operation went to another, parked thread, which the scheduler had to
     * wake while the first one was still running; two callers then signed only 1.35 times as fast as one (2.0 times
     * with the work on their own threads). Here a worker is back on the idle stack before its caller hears the
     * outcome, so that the caller's next operation goes to the thread that has just finished (last in, first out:
     * threads idle beyond the minute are the ones that end).
     *
     * <p>Daemon threads: expired work left running must never keep the JVM alive. A thread does not inherit the
     * inheritable thread-locals of the caller that happened to create it (one caller's context never reaches another's
     * operation); what an operation needs of its caller (limits, log context, class loader) is handed to it each time.
     */
    static final class Worker implements Runnable {
        private static final ConcurrentLinkedDeque<Worker> IDLE = new ConcurrentLinkedDeque<>();
        /** How long an idle thread waits for work before it ends: a minute (tests shorten it). */
        static volatile long keepAliveNanos = TimeUnit.SECONDS.toNanos(60);
        private static final int WAITING = 0;
        private static final int ASSIGNED = 1;
        private static final int ENDED = 2;

        /** {@link #WAITING} (on the idle stack), {@link #ASSIGNED} (a task given or running), or {@link #ENDED}. */
        private final AtomicInteger state = new AtomicInteger(ASSIGNED);
        private final Thread thread;
        /** The task handed over, until the thread takes it; written after {@link #done}. */
        private volatile Runnable task;
        private volatile CountDownLatch done;

        private Worker(Runnable first, CountDownLatch done) {
            this.done = done;
            this.task = first;
            thread = new Thread(null, this, "certyneo-worker-" + WORKERS.incrementAndGet(), 0, false);
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Runs {@code task} on an idle worker thread, or on a new one when none is idle, and counts {@code done} down
         * when it has finished, the thread already idle again by then.
         *
         * @param task work that hands its outcome (and failures) to its caller itself
         */
        static void execute(Runnable task, CountDownLatch done) {
            Worker worker;
            while ((worker = IDLE.pollFirst()) != null) {
                if (worker.state.compareAndSet(WAITING, ASSIGNED)) {
                    worker.done = done;
                    worker.task = task;
                    LockSupport.unpark(worker.thread);
                    return;
                }
                // it ended (idle for a minute) after it was pushed: look further
            }
            new Worker(task, done);
        }

        /** @return how many worker threads wait for work now (for tests) */
        static int idle() {
            return IDLE.size();
        }

        @Override
        public void run() {
            while (true) {
                Runnable next = task;
                if (next == null) {
                    if (!awaitTask()) {
                        return;
                    }
                    continue;
                }
                CountDownLatch finished = done;
                task = null;
                try {
                    next.run();
                } catch (Throwable ignored) {
                    // a task hands its own failures to its caller; the thread stays on duty
                } finally {
                    state.set(WAITING);
                    IDLE.offerFirst(this);
                    finished.countDown();
                }
            }
        }

        /** Waits for a task; false when none came for {@link #keepAliveNanos} and the thread ends. */
        private boolean awaitTask() {
            long until = System.nanoTime() + keepAliveNanos;
            while (task == null) {
                Thread.interrupted(); // no operation runs: an interrupt now is stale, and would keep park from parking
                long left = until - System.nanoTime();
                if (left <= 0) {
                    if (state.compareAndSet(WAITING, ENDED)) {
                        IDLE.remove(this);
                        return false;
                    }
                    until = System.nanoTime() + keepAliveNanos; // assigned meanwhile: its task is on the way
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
            return true;
        }
    }

    private static final int RUNNING = 0;
    private static final int COMMITTED = 1;
    private static final int EXPIRED = 2;
    private static final int CANCELLED = 3;

    private final String name;
    private final ResourceLimits limits;
    private final long deadline;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    /** Whether the work runs on the caller's thread ({@link #run(String, ResourceLimits, boolean, Supplier)}). */
    private final boolean onCallerThread;

    private Budget(String name, ResourceLimits limits, boolean onCallerThread) {
        this.name = name;
        this.limits = limits;
        this.onCallerThread = onCallerThread;
        long nanos;
        try {
            nanos = limits.timePerDocument().toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;
        }
        this.deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
    }

    /** @return the limits of the operation running on this thread, else the defaults */
    static ResourceLimits limits() {
        Budget budget = CURRENT.get();
        return budget == null ? ResourceLimits.defaults() : budget.limits;
    }

    /**
     * Throws {@link ErrorCode#RESOURCE_LIMIT} when the budget of the operation running on this thread is
     * spent (or it was cancelled); does nothing once its output is being written, or without a budget.
     */
    static void check() {
        Budget budget = CURRENT.get();
        if (budget != null) {
            budget.checkNow();
        }
    }

    /**
     * Claims the right to write the output: after this the operation completes even if its deadline
     * passes. Call it right before the output is written.
     *
     * @throws SignatureEngineException {@link ErrorCode#RESOURCE_LIMIT} when the budget is already spent
     */
    static void commit() {
        Budget budget = CURRENT.get();
        if (budget == null) {
            return;
        }
        budget.checkNow();
        if (!budget.state.compareAndSet(RUNNING, COMMITTED)) {
            budget.checkNow(); // committed already (nothing to do), or lost the race with the deadline (throws)
        }
    }

    /**
     * Refuses a document with more objects than the limit allows.
     *
     * @param objects the number of objects the document's cross-reference data lists
     * @param name    the document name, for the message
     */
    static void requireObjects(long objects, String name) {
        long max = limits().maxObjects();
        if (objects > max) {
            throw new SignatureEngineException(ErrorCode.RESOURCE_LIMIT, String.format(java.util.Locale.ROOT,
                    "'%s' has %,d objects, more than the limit of %,d objects per document (the heap an operation "
                            + "needs grows with the number of objects)", name, objects, max),
                    "Raise the limit with PadesSignatureEngine.builder().limits(ResourceLimits.defaults()"
                            + ".withMaxObjects(...)) and give the JVM about 1.5 KB of heap per object, or split the document.");
        }
    }

    /**
     * Runs {@code work} on a worker thread within the time limit of {@code limits}.
     *
     * @param name the document name, for messages
     * @return what {@code work} returned
     * @throws SignatureEngineException {@link ErrorCode#RESOURCE_LIMIT} when the time is up (or the calling
     *                                  thread is interrupted, or the work ran out of heap); otherwise what
     *                                  {@code work} threw
     */
    static <T> T run(String name, ResourceLimits limits, Supplier<T> work) {
        return run(name, limits, false, work);
    }

    /**
     * Runs {@code work} within the time limit of {@code limits}, on a worker thread ({@link #run(String,
     * ResourceLimits, Supplier)}) or, with {@code onCallerThread}, on the calling thread itself.
     *
     * <p>On the calling thread the hand-off is saved: waking the worker and then the caller, 0.03-0.07 ms per
     * operation on the project's 2-core VM ({@link Worker} keeps two callers at twice the throughput of one). The
     * deadline is then enforced by the same check points and by an
     * interrupt of the calling thread at the deadline, but work stuck inside one library call answers the caller
     * only when that call returns: for callers that bound their requests themselves.
     *
     * @param name           the document name, for messages
     * @param onCallerThread whether the work runs on the calling thread
     * @return what {@code work} returned
     * @throws SignatureEngineException {@link ErrorCode#RESOURCE_LIMIT} when the time is up (or the calling
     *                                  thread is interrupted, or the work ran out of heap); otherwise what
     *                                  {@code work} threw
     */
    static <T> T run(String name, ResourceLimits limits, boolean onCallerThread, Supplier<T> work) {
        Budget budget = new Budget(name, limits, onCallerThread);
        if (onCallerThread) {
            return budget.runHere(work);
        }
        Outcome<T> outcome = new Outcome<>();
        java.util.Map<String, String> logContext = org.slf4j.MDC.getCopyOfContextMap(); // the caller's, for the logs
        ClassLoader callerLoader = Thread.currentThread().getContextClassLoader(); // DSS finds PDFBox through it
        Worker.execute(() -> {
            Thread self = Thread.currentThread();
            ClassLoader poolLoader = self.getContextClassLoader();
            synchronized (outcome) {
                outcome.worker = self;
                if (outcome.stopped) {
                    self.interrupt(); // stopped before a thread took it up: it starts interrupted, as a fresh thread would
                }
            }
            self.setContextClassLoader(callerLoader);
            CURRENT.set(budget);
            if (logContext != null) {
                org.slf4j.MDC.setContextMap(logContext);
            }
            try {
                outcome.value = work.get();
            } catch (Throwable t) { // handed to the caller, which rethrows it
                outcome.failure = t;
            } finally {
                CURRENT.remove();
                org.slf4j.MDC.clear();
                self.setContextClassLoader(poolLoader);
                synchronized (outcome) {
                    outcome.worker = null;
                    Thread.interrupted(); // an interrupt meant for this operation never reaches the thread's next one
                }
            }
        }, outcome.done); // counted down once the thread is idle again
        boolean interrupted = false;
        try {
            if (!outcome.done.await(budget.deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                if (budget.state.compareAndSet(RUNNING, EXPIRED) || budget.state.get() != COMMITTED) {
                    budget.stop(outcome);
                    throw budget.exceeded(outcome.failure);
                }
                interrupted = awaitUninterruptibly(outcome.done); // writing the output: let it finish
            }
        } catch (InterruptedException e) {
            interrupted = true;
            if (budget.state.compareAndSet(RUNNING, CANCELLED) || budget.state.get() != COMMITTED) {
                budget.stop(outcome);
                throw budget.cancelled(e);
            }
            awaitUninterruptibly(outcome.done);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return budget.outcome(outcome);
    }

    /** {@link #run(String, ResourceLimits, boolean, Supplier)} on the calling thread. */
    private <T> T runHere(Supplier<T> work) {
        Thread self = Thread.currentThread();
        if (self.isInterrupted()) { // as a worker's caller would: the interrupt is kept for the caller
            state.set(CANCELLED);
            throw cancelled(null);
        }
        Outcome<T> outcome = new Outcome<>();
        outcome.worker = self;
        ScheduledFuture<?> alarm = Alarms.EXECUTOR.schedule(() -> {
            if (state.compareAndSet(RUNNING, EXPIRED)) { // never once the output is being written
                synchronized (outcome) {
                    if (outcome.worker != null) {
                        outcome.stopped = true;
                        outcome.worker.interrupt(); // blocking reads and waits end; check points throw
                    }
                }
            }
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        Budget outer = CURRENT.get();
        CURRENT.set(this);
        try {
            outcome.value = work.get();
        } catch (Throwable t) { // translated below, as a worker's failure is
            outcome.failure = t;
        } finally {
            alarm.cancel(false);
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
            synchronized (outcome) {
                outcome.worker = null;
                if (outcome.stopped) {
                    Thread.interrupted(); // the alarm's interrupt is not the caller's
                }
            }
        }
        if (outcome.failure != null && self.isInterrupted() && state.compareAndSet(RUNNING, CANCELLED)) {
            throw cancelled(outcome.failure); // the caller's own interrupt stopped the work; it is kept
        }
        return outcome(outcome);
    }

    /** The deadlines of work on callers' threads: one daemon thread, started on first use. */
    private static final class Alarms {
        static final ScheduledThreadPoolExecutor EXECUTOR = executor();

        private static ScheduledThreadPoolExecutor executor() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(null, task, "certyneo-deadlines", 0, false);
                thread.setDaemon(true);
                thread.setContextClassLoader(Budget.class.getClassLoader()); // not the first caller's (an app's)
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true); // a finished operation leaves nothing queued for its 60 s
            return executor;
        }
    }

    private <T> T outcome(Outcome<T> outcome) {
        Throwable failure = outcome.failure;
        int end = state.get();
        if (end == EXPIRED || end == CANCELLED) {
            // The work noticed the deadline itself (a check point threw, perhaps inside DSS, which may have
            // swallowed it and carried on): whatever it produced after that is not trusted.
            if (failure instanceof SignatureEngineException e && e.code() == ErrorCode.RESOURCE_LIMIT) {
                throw e;
            }
            throw exceeded(failure);
        }
        if (failure == null) {
            return outcome.value;
        }
        if (failure instanceof OutOfMemoryError oom) {
            throw new SignatureEngineException(ErrorCode.RESOURCE_LIMIT, "'" + name + "' could not be processed "
                    + "within the heap of this JVM (" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB): " + oom.getMessage(),
                    "Give the JVM more heap (-Xmx), run fewer operations at once, or lower the object limit "
                            + "(ResourceLimits.withMaxObjects) so that such documents are refused up front.", oom);
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(failure); // checked exceptions cannot escape a Supplier
    }

    /** Interrupts the worker and waits a little for it to unwind (and delete its temporary files). */
    private void stop(Outcome<?> outcome) {
        synchronized (outcome) {
            outcome.stopped = true;
            if (outcome.worker != null) {
                outcome.worker.interrupt();
            }
        }
        long grace;
        try {
            grace = Math.max(MIN_GRACE_NANOS, Math.min(MAX_GRACE_NANOS, limits.timePerDocument().toNanos() / 2));
        } catch (ArithmeticException tooLong) {
            grace = MAX_GRACE_NANOS;
        }
        try {
            outcome.done.await(grace, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether the thread was interrupted while waiting */
    private static boolean awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    private void checkNow() {
        int now = state.get();
        if (now == COMMITTED) {
            return;
        }
        if (now == RUNNING && onCallerThread && Thread.currentThread().isInterrupted()) {
            state.compareAndSet(RUNNING, CANCELLED); // the caller's own interrupt (the alarm's sets EXPIRED first)
            now = state.get();
        }
        if (now == RUNNING && System.nanoTime() - deadline >= 0) {
            state.compareAndSet(RUNNING, EXPIRED);
            now = state.get();
        }
        if (now == EXPIRED) {
            throw exceeded(null);
        }
        if (now == CANCELLED) {
            throw cancelled(null);
        }
    }

    private SignatureEngineException exceeded(Throwable cause) {
        return new SignatureEngineException(ErrorCode.RESOURCE_LIMIT, "'" + name + "' was not processed within the "
                + "time limit of " + describe(limits.timePerDocument()) + " per document; the work was stopped and "
                + "nothing was written",
                "Raise the limit with PadesSignatureEngine.builder().limits(ResourceLimits.defaults()"
                        + ".withTimePerDocument(...)) (CLI: --time-limit SECONDS), or check the document (a very large "
                        + "or malformed PDF).", cause);
    }

    private SignatureEngineException cancelled(Throwable cause) {
        return new SignatureEngineException(ErrorCode.RESOURCE_LIMIT, "Processing '" + name + "' was cancelled: the "
                + "calling thread was interrupted; the work was stopped and nothing was written",
                "Run the operation again without interrupting it.", cause);
    }

    /** @return a duration in words: "60 s", "1.5 s", "250 ms" */
    static String describe(Duration time) {
        long millis = time.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** What the worker produced. */
    private static final class Outcome<T> {
        final CountDownLatch done = new CountDownLatch(1);
        /** The thread running the operation while it runs, else {@code null}; guarded by the outcome's lock. */
        Thread worker;
        /** Whether the operation was stopped (its thread interrupted); guarded by the outcome's lock. */
        boolean stopped;
        volatile T value;
        volatile Throwable failure;
    }
}
