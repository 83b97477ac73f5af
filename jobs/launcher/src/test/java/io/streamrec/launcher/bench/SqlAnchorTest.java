package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.junit.jupiter.api.Test;

/** The anchor's SQL plans as Flink's window aggregations, with the feature job's window sizes and slides. */
class SqlAnchorTest {

  @Test
  void everyCountPlansAsAHoppingWindowAggregateOverTheKafkaTopic() {
    StreamTableEnvironment tables = StreamTableEnvironment.create(
        StreamExecutionEnvironment.createLocalEnvironment(1));
    List<String> sql = SqlAnchor.statements("127.0.0.1:1", "test");
    List<String> inserts = sql.stream().filter(s -> s.startsWith("INSERT")).toList();
    sql.stream().filter(s -> !s.startsWith("INSERT")).forEach(tables::executeSql);
    assertThat(inserts).hasSize(6);
    for (String insert : inserts) {
      String plan = tables.explainSql(insert);
      assertThat(plan).contains("WindowAggregate").contains("HOP(").contains("interactions");
    }
    // HOP(time, slide, size) in milliseconds: 5 min over 1 h, 1 h over 24 h, 6 h over 7 d.
    assertThat(tables.explainSql(inserts.get(0))).contains("300000:INTERVAL MINUTE, 3600000:INTERVAL HOUR)");
    assertThat(tables.explainSql(inserts.get(1))).contains("3600000:INTERVAL HOUR, 86400000:INTERVAL HOUR)");
    assertThat(tables.explainSql(inserts.get(2))).contains("21600000:INTERVAL HOUR, 604800000:INTERVAL DAY)");
  }
}
