package io.streamrec.jobs.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.core.store.FeatureKey;
import io.streamrec.core.store.FeatureWrite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class WriteStateSerializerTest {

  @Test
  void bufferedWritesSurviveACheckpointRoundTrip() throws Exception {
    FeatureWrite upsert = FeatureWrite.upsert(new FeatureKey("user", "u1"),
            Map.of("s", "ü", "l", 7L, "d", 0.5, "b", true, "list", List.of(1L, List.of("x")),
                "map", Map.of("k", List.of(3L, "v"))),
            123L, Duration.ofDays(30))
        .withMapMerge(new FeatureWrite.NewestEntries("recent", Map.of("e1", List.of(5L, "i1", "view")), 50));
    FeatureWrite delete = FeatureWrite.delete(new FeatureKey("item", "i9"), 99L);
    List<RequestEntryWrapper<FeatureWrite>> entries = new ArrayList<>();
    entries.add(new RequestEntryWrapper<>(upsert, 100));
    entries.add(new RequestEntryWrapper<>(delete, 10));

    FeatureStoreSink.WriteStateSerializer serializer = new FeatureStoreSink.WriteStateSerializer();
    BufferedRequestState<FeatureWrite> back =
        serializer.deserialize(serializer.getVersion(), serializer.serialize(new BufferedRequestState<>(entries)));

    assertThat(back.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getRequestEntry)
        .containsExactly(upsert, delete);
  }
}
