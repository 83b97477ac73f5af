package io.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.core.model.TwoTowerInputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchingEmbedderTest {
  private static final long WAIT_SECONDS = 60;
  private static ItemTower tower;

  @BeforeAll
  static void open() {
    tower = ItemTower.open(TestModels.committed(), "v1");
  }

  @AfterAll
  static void close() {
    tower.close();
  }

  @Test
  void concurrentRequestsGetTheVectorsDirectEmbeddingGivesInFewerBatches() throws Exception {
    int requests = 500;
    int threads = 5;
    List<TwoTowerInputs.ItemInput> items = TestModels.items(41, requests);
    float[][] expected = new float[requests][];
    for (int i = 0; i < requests; i++) {
      expected[i] = tower.embed(List.of(items.get(i)))[0];
    }
    try (BatchingEmbedder embedder = new BatchingEmbedder(tower, 64, 1_024, Duration.ofSeconds(30))) {
      @SuppressWarnings("unchecked")
      CompletableFuture<float[]>[] futures = new CompletableFuture[requests];
      CountDownLatch start = new CountDownLatch(1);
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        Thread thread = new Thread(() -> {
          try {
            start.await();
            for (int i = first; i < requests; i += threads) {
              futures[i] = embedder.embed(items.get(i));
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        });
        thread.start();
        submitters.add(thread);
      }
      start.countDown();
      for (Thread thread : submitters) {
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thread.isAlive()).as("submitter finished").isFalse();
      }
      assertThat(errors).isEmpty();
      CompletableFuture.allOf(futures).get(WAIT_SECONDS, TimeUnit.SECONDS);
      for (int i = 0; i < requests; i++) {
        float[] actual = futures[i].get();
        assertThat(actual).hasSize(32);
        for (int k = 0; k < 32; k++) {
          assertThat(actual[k]).as("item %d component %d", i, k).isCloseTo(expected[i][k], within(1e-5f));
        }
      }
      assertThat(embedder.embedded()).isEqualTo(requests);
      assertThat(embedder.failed()).isZero();
      assertThat(embedder.batches()).isLessThan(requests).isGreaterThanOrEqualTo((requests + 63) / 64);
    }
  }

  @Test
  void whileOneBatchRunsTheNextAccumulatesUpToMaxBatch() throws Exception {
    GatedEncoder encoder = new GatedEncoder(true, items -> false);
    try (BatchingEmbedder embedder = new BatchingEmbedder(encoder, 64, 1_000, Duration.ofSeconds(30))) {
      List<TwoTowerInputs.ItemInput> items = TestModels.items(42, 131);
      List<CompletableFuture<float[]>> futures = new ArrayList<>();
      futures.add(embedder.embed(items.get(0)));
      encoder.awaitEntered();
      for (int i = 1; i < items.size(); i++) {
        futures.add(embedder.embed(items.get(i)));
      }
      assertThat(embedder.queued()).isEqualTo(130);
      encoder.release();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);
      for (int i = 0; i < items.size(); i++) {
        assertThat(futures.get(i).get()).containsExactly(GatedEncoder.vector(items.get(i)));
      }
      assertThat(encoder.batchSizes).containsExactly(1, 64, 64, 2);
      assertThat(embedder.batches()).isEqualTo(4);
      assertThat(embedder.embedded()).isEqualTo(131);
    }
  }

  @Test
  void aFullQueueBlocksThenFailsTheRequestSayingWhy() throws Exception {
    GatedEncoder encoder = new GatedEncoder(true, items -> false);
    try (BatchingEmbedder embedder = new BatchingEmbedder(encoder, 8, 2, Duration.ofMillis(200))) {
      List<TwoTowerInputs.ItemInput> items = TestModels.items(43, 4);
      CompletableFuture<float[]> running = embedder.embed(items.get(0));
      encoder.awaitEntered();
      CompletableFuture<float[]> queued1 = embedder.embed(items.get(1));
      CompletableFuture<float[]> queued2 = embedder.embed(items.get(2));
      long t0 = System.nanoTime();
      CompletableFuture<float[]> refused = embedder.embed(items.get(3));
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(waitedMillis).as("embed() blocked for the offer timeout").isGreaterThanOrEqualTo(150);
      assertThat(failure(refused)).isInstanceOf(RejectedExecutionException.class)
          .hasMessageContaining("item embedder queue full: 2 items have been waiting for more than 200 ms")
          .hasMessageContaining("'" + items.get(3).itemId() + "' was not queued");
      assertThat(embedder.rejected()).isEqualTo(1);

      encoder.release();
      assertThat(running.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(GatedEncoder.vector(items.get(0)));
      assertThat(queued1.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(GatedEncoder.vector(items.get(1)));
      assertThat(queued2.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(GatedEncoder.vector(items.get(2)));
    }
  }

  @Test
  void aFailedInferenceFailsExactlyItsBatchAndTheEmbedderKeepsServing() throws Exception {
    GatedEncoder encoder = new GatedEncoder(true,
        items -> items.stream().anyMatch(i -> i.itemId().equals("poison")));
    try (BatchingEmbedder embedder = new BatchingEmbedder(encoder, 64, 100, Duration.ofSeconds(30))) {
      CompletableFuture<float[]> poisoned = embedder.embed(new TwoTowerInputs.ItemInput("poison", "x", null, 1.0));
      encoder.awaitEntered();
      List<TwoTowerInputs.ItemInput> items = TestModels.items(44, 3);
      List<CompletableFuture<float[]>> next = new ArrayList<>();
      items.forEach(i -> next.add(embedder.embed(i)));
      encoder.release();

      assertThat(failure(poisoned)).isInstanceOf(InferenceException.class)
          .hasMessageContaining("embedding a batch of 1 items failed")
          .hasRootCauseMessage("boom: the encoder refuses [poison]");
      for (int i = 0; i < items.size(); i++) {
        assertThat(next.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(GatedEncoder.vector(items.get(i)));
      }
      TwoTowerInputs.ItemInput later = TestModels.items(45, 1).get(0);
      assertThat(embedder.embed(later).get(WAIT_SECONDS, TimeUnit.SECONDS))
          .containsExactly(GatedEncoder.vector(later));
      assertThat(encoder.batchSizes).containsExactly(1, 3, 1);
      assertThat(embedder.failed()).isEqualTo(1);
      assertThat(embedder.embedded()).isEqualTo(4);
      assertThat(embedder.batches()).isEqualTo(3);
    }
  }

  @Test
  void aTowerThatThrowsFailsThatBatchOnly() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    ItemEncoder flaky = new ItemEncoder() {
      @Override
      public float[][] embed(List<TwoTowerInputs.ItemInput> items) {
        if (broken.get()) {
          throw new InferenceException("two-tower-item v1: inference failed: simulated");
        }
        return tower.embed(items);
      }

      @Override
      public int dimension() {
        return tower.dimension();
      }
    };
    try (BatchingEmbedder embedder = new BatchingEmbedder(flaky)) {
      TwoTowerInputs.ItemInput item = TestModels.items(46, 1).get(0);
      assertThat(failure(embedder.embed(item))).isInstanceOf(InferenceException.class)
          .hasRootCauseMessage("two-tower-item v1: inference failed: simulated");
      broken.set(false);
      float[] v = embedder.embed(item).get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(v).containsExactly(tower.embed(List.of(item))[0]);
    }
  }

  @Test
  void closeFailsPendingRequestsAndRefusesNewOnes() throws Exception {
    GatedEncoder encoder = new GatedEncoder(true, items -> false);
    BatchingEmbedder embedder = new BatchingEmbedder(encoder, 64, 100, Duration.ofSeconds(30));
    List<TwoTowerInputs.ItemInput> items = TestModels.items(47, 3);
    CompletableFuture<float[]> inFlight = embedder.embed(items.get(0));
    encoder.awaitEntered();
    CompletableFuture<float[]> pending1 = embedder.embed(items.get(1));
    CompletableFuture<float[]> pending2 = embedder.embed(items.get(2));

    embedder.close();

    assertThat(failure(pending1)).isInstanceOf(IllegalStateException.class)
        .hasMessage("the item embedder is closed: item '" + items.get(1).itemId() + "' was not embedded");
    assertThat(failure(pending2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the item embedder is closed");
    // The gated encoder gives up when the worker is interrupted: that batch fails, saying why.
    assertThat(failure(inFlight)).isInstanceOf(InferenceException.class)
        .hasMessageContaining("the item embedder was closed while embedding a batch of 1 items");
    CompletableFuture<float[]> after = embedder.embed(items.get(0));
    assertThat(after).isCompletedExceptionally();
    assertThat(failure(after)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the item embedder is closed");
    assertThat(embedder.failed()).isEqualTo(3);
    assertThat(embedder.queued()).isZero();
    embedder.close();
  }

  @Test
  void closeLetsAnUninterruptibleInferenceFinishAndFailsTheRest() throws Exception {
    GatedEncoder encoder = new GatedEncoder(false, items -> false);
    BatchingEmbedder embedder = new BatchingEmbedder(encoder, 64, 100, Duration.ofSeconds(30));
    List<TwoTowerInputs.ItemInput> items = TestModels.items(48, 2);
    CompletableFuture<float[]> inFlight = embedder.embed(items.get(0));
    encoder.awaitEntered();
    CompletableFuture<float[]> pending = embedder.embed(items.get(1));

    Thread closer = new Thread(embedder::close);
    closer.start();
    awaitTrue(embedder::isClosed, "close() started");
    encoder.release();
    closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertThat(closer.isAlive()).as("close() returned").isFalse();

    assertThat(inFlight.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly(GatedEncoder.vector(items.get(0)));
    assertThat(failure(pending)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the item embedder is closed");
    assertThat(encoder.batchSizes).containsExactly(1);
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThatThrownBy(() -> new BatchingEmbedder(tower, 0, 10, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> new BatchingEmbedder(tower, 10, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxQueued");
    assertThatThrownBy(() -> new BatchingEmbedder(tower, 10, 10, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offerTimeout");
  }

  // ---------------------------------------------------------------------------------------------------- helpers

  /** The exception a future fails with, waiting for it up to the deadline. */
  private static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
    try {
      future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      fail("the future did not complete within " + WAIT_SECONDS + " s");
    }
    return fail("the future completed normally");
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for: " + what);
      }
      Thread.sleep(1);
    }
  }

  /**
   * A fake encoder whose first call waits at a gate the test opens, so the test knows what is in flight and what
   * is queued. Vectors depend on the item only; it fails batches that {@code failWhen} matches.
   */
  private static final class GatedEncoder implements ItemEncoder {
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final boolean interruptible;
    private final Predicate<List<TwoTowerInputs.ItemInput>> failWhen;

    GatedEncoder(boolean interruptible, Predicate<List<TwoTowerInputs.ItemInput>> failWhen) {
      this.interruptible = interruptible;
      this.failWhen = failWhen;
    }

    static float[] vector(TwoTowerInputs.ItemInput item) {
      return new float[] {item.itemId().hashCode(), item.title() == null ? -1 : item.title().length()};
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the worker took the first batch").isTrue();
    }

    void release() {
      gate.countDown();
    }

    @Override
    public float[][] embed(List<TwoTowerInputs.ItemInput> items) {
      batchSizes.add(items.size());
      if (first.getAndSet(false)) {
        entered.countDown();
        awaitGate();
      }
      if (failWhen.test(items)) {
        throw new IllegalStateException("boom: the encoder refuses "
            + items.stream().map(TwoTowerInputs.ItemInput::itemId).toList());
      }
      return items.stream().map(GatedEncoder::vector).toArray(float[][]::new);
    }

    private void awaitGate() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            if (!gate.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the test never opened the gate");
            }
            return;
          } catch (InterruptedException e) {
            if (interruptible) {
              throw new IllegalStateException("interrupted at the gate", e);
            }
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public int dimension() {
      return 2;
    }
  }
}
