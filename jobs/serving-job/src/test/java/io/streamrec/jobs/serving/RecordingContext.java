package io.streamrec.jobs.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.statefun.sdk.Address;
import org.apache.flink.statefun.sdk.Context;
import org.apache.flink.statefun.sdk.io.EgressIdentifier;
import org.apache.flink.statefun.sdk.metrics.Counter;
import org.apache.flink.statefun.sdk.metrics.Metrics;

/**
 * A StateFun {@link Context} for function unit tests: records what a function sends to egresses and other
 * functions and counts its metrics, and holds the asynchronous operations it registers until the test completes
 * them. (The embedded SDK has no test context of its own; this plays the part the
 * remote SDK's {@code TestContext} plays there.)
 */
final class RecordingContext implements Context {
  final Address self;
  final Map<EgressIdentifier<?>, List<Object>> egress = new HashMap<>();
  final List<Object> sentToFunctions = new ArrayList<>();
  final Map<String, long[]> counters = new HashMap<>();

  RecordingContext(Address self) {
    this.self = self;
  }

  @SuppressWarnings("unchecked")
  <T> List<T> egress(EgressIdentifier<T> id) {
    return (List<T>) egress.getOrDefault(id, List.of());
  }

  long counter(String name) {
    return counters.getOrDefault(name, new long[1])[0];
  }

  @Override
  public Address self() {
    return self;
  }

  @Override
  public Address caller() {
    return null;
  }

  @Override
  public void send(Address to, Object message) {
    sentToFunctions.add(message);
  }

  @Override
  public <T> void send(EgressIdentifier<T> id, T message) {
    egress.computeIfAbsent(id, k -> new ArrayList<>()).add(message);
  }

  @Override
  public void sendAfter(Duration delay, Address to, Object message) {
    throw new UnsupportedOperationException("delayed messages are not used by serving functions yet");
  }

  @Override
  public void sendAfter(Duration delay, Address to, Object message, String cancellationToken) {
    throw new UnsupportedOperationException("delayed messages are not used by serving functions yet");
  }

  @Override
  public void cancelDelayedMessage(String cancellationToken) {
    throw new UnsupportedOperationException("delayed messages are not used by serving functions yet");
  }

  /** An asynchronous operation the function registered, to be completed by the test. */
  record Pending(Object metadata, CompletableFuture<?> future) {}

  final List<Pending> asyncOperations = new ArrayList<>();

  @Override
  public <M, T> void registerAsyncOperation(M metadata, CompletableFuture<T> future) {
    asyncOperations.add(new Pending(metadata, future));
  }

  /**
   * Waits for every registered operation and delivers its result to {@code fn}, as the runtime would (in
   * registration order).
   */
  void completeAsyncOperations(org.apache.flink.statefun.sdk.StatefulFunction fn) {
    while (!asyncOperations.isEmpty()) {
      Pending p = asyncOperations.remove(0);
      org.apache.flink.statefun.sdk.AsyncOperationResult<Object, Object> result;
      try {
        Object value = p.future().get(30, java.util.concurrent.TimeUnit.SECONDS);
        result = new org.apache.flink.statefun.sdk.AsyncOperationResult<>(p.metadata(),
            org.apache.flink.statefun.sdk.AsyncOperationResult.Status.SUCCESS, value, null);
      } catch (Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
        result = new org.apache.flink.statefun.sdk.AsyncOperationResult<>(p.metadata(),
            org.apache.flink.statefun.sdk.AsyncOperationResult.Status.FAILURE, null, cause);
      }
      fn.invoke(this, result);
    }
  }

  @Override
  public Metrics metrics() {
    return name -> {
      long[] cell = counters.computeIfAbsent(name, k -> new long[1]);
      return new Counter() {
        @Override
        public void inc(long amount) {
          cell[0] += amount;
        }

        @Override
        public void dec(long amount) {
          cell[0] -= amount;
        }
      };
    };
  }
}
