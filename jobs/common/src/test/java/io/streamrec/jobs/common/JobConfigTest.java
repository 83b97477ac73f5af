package io.streamrec.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.Topics;
import org.junit.jupiter.api.Test;

class JobConfigTest {

  @Test
  void defaultsAreTheLocalSetup() {
    JobConfig c = JobConfig.fromArgs();
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.topic(Topics.INTERACTIONS)).isEqualTo("interactions");
    assertThat(c.featureStore().toString()).isEqualTo("embedded:default");
    assertThat(c.startingOffsets()).isEqualTo(JobConfig.StartingOffsets.COMMITTED);
    assertThat(c.bufferTimeoutMs(0)).isZero();
    assertThat(c.bufferTimeoutMs(100)).isEqualTo(100);
    assertThat(c.groupId("streamrec-serving")).isEqualTo("streamrec-streamrec-serving");
  }

  @Test
  void argsRoundTripSoAClusterSubmissionRunsTheSameConfig() {
    JobConfig c = JobConfig.fromArgs("--bootstrap-servers", "h:1", "--topic-prefix", "x.", "--feature-store",
        "embedded:s", "--starting-offsets", "latest", "--buffer-timeout-ms", "5");
    JobConfig back = JobConfig.fromArgs(c.toArgs());
    assertThat(back.toMap()).isEqualTo(c.toMap());
    assertThat(back.topic(Topics.REC_REQUESTS)).isEqualTo("x.rec-requests");
  }

  @Test
  void badArgumentsFailWithTheOptionName() {
    assertThatThrownBy(() -> JobConfig.fromArgs("--starting-offsets", "yesterday"))
        .hasMessageContaining("--starting-offsets");
    assertThatThrownBy(() -> JobConfig.fromArgs("--feature-store", "redis"))
        .hasMessageContaining("'redis'");
    assertThatThrownBy(() -> JobConfig.fromArgs("--buffer-timeout-ms", "-7"))
        .hasMessageContaining("--buffer-timeout-ms");
  }
}
