package io.streamrec.runtime;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until a deadline: tests wait for effects, they never sleep a guessed time. */
final class Await {

    private Await() {}

    static void until(Duration timeout, BooleanSupplier condition, Supplier<String> whatWasExpected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + whatWasExpected.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    static boolean processGone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
}
