package io.streamrec.launcher;

import io.streamrec.core.contract.TopicSpec;
import io.streamrec.core.contract.Topics;
import io.streamrec.jobs.common.KafkaIO;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the system's topics. They must exist before any job starts: a Kafka source on a missing topic makes the
 * job restart in a loop (DESIGN §2).
 */
public final class TopicAdmin {

  private TopicAdmin() {}

  /** Creates every topic of {@link Topics#ALL} that does not exist yet; returns the names it created. */
  public static List<String> createAll(String bootstrapServers, String prefix) {
    return createAll(KafkaIO.clientProperties(bootstrapServers), prefix);
  }

  /**
   * As {@link #createAll(String, String)}, with the admin client's properties.
   *
   * @param client bootstrap.servers and the job's client properties ({@code KafkaIO.clientProperties})
   */
  public static List<String> createAll(Properties client, String prefix) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : Topics.ALL) {
        String name = spec.nameWithPrefix(prefix);
        if (!existing.contains(name)) {
          NewTopic topic = new NewTopic(name, spec.partitions(), (short) 1);
          if (spec.compacted()) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
          }
          missing.add(topic);
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
      return missing.stream().map(NewTopic::name).toList();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics on " + client.getProperty("bootstrap.servers") + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
