package io.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.core.contract.DeadLetter;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.InteractionType;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.RecRequest;
import io.streamrec.core.contract.StoreLayout;
import io.streamrec.core.contract.Topics;
import io.streamrec.core.store.EmbeddedFeatureStore;
import io.streamrec.core.store.FeatureKey;
import io.streamrec.jobs.common.JobConfig;
import io.streamrec.jobs.common.KafkaIO;
import io.streamrec.jobs.feature.FeatureJob;
import io.streamrec.jobs.serving.ServingJob;
import io.streamrec.runtime.FlinkRestClient;
import io.streamrec.runtime.KafkaBrokerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job on a secured broker: the real broker (own JVM) with a SASL_SSL listener on 127.0.0.1 (a keystore made here,
 * SASL PLAIN), and the feature job on a MiniCluster reading and writing it with client properties from a
 * {@code --kafka-properties} file whose password is a {@code ${file:...}} reference, plus one {@code --kafka.*}
 * argument that overrides the file; the same for the serving job's StateFun runtime (its floor variant, which needs no
 * models). Clients without the credentials or the CA are refused.
 */
class SecureKafkaITCase {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String USER = "streamrec";

  @TempDir static Path dir;
  private static BuildInfo build;
  private static SelfSignedTls tls;
  private static String kafkaPassword;
  private static Path passwordFile;
  private static Path clientProperties;
  private static KafkaBrokerProcess broker;
  private static MiniClusterRuntime flink;

  @BeforeAll
  static void start() throws Exception {
    build = BuildInfo.load();
    tls = SelfSignedTls.create(dir.resolve("tls"));
    kafkaPassword = SelfSignedTls.randomPassword();
    passwordFile = Files.writeString(dir.resolve("kafka-password"), kafkaPassword + "\n");
    broker = KafkaBrokerProcess.start(KafkaBrokerProcess.Settings.of(
            BuildInfo.requireFile(build.kafkaBrokerClasspath(), "Kafka broker classpath"), dir.resolve("kafka"))
        .withPort(0)
        .withSaslSsl(new KafkaBrokerProcess.SaslSslListener(0, tls.keystore(), tls.keystorePassword(),
            Map.of(USER, kafkaPassword))));

    // The SASL password by reference; the truststore password in plain text, as a properties file on a Secret mount
    // may hold it; the mechanism wrong, so that only the --kafka.sasl.mechanism override lets the job in.
    clientProperties = Files.writeString(dir.resolve("client.properties"), String.join("\n",
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
            + "\" password=\"${file:" + passwordFile + "}\";",
        "ssl.truststore.type=PKCS12",
        "ssl.truststore.location=" + tls.truststore(),
        "ssl.truststore.password=" + tls.truststorePassword(),
        ""));
    flink = MiniClusterRuntime.start(
        MiniClusterRuntime.configuration(build.flinkConfDir(), dir.resolve("flink"), 0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (flink != null) {
      flink.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static JobConfig jobConfig(String prefix, String store) {
    return JobConfig.fromArgs("--bootstrap-servers", broker.saslSslBootstrapServers(),
        "--kafka-properties", clientProperties.toString(), "--kafka.sasl.mechanism", "PLAIN",
        "--topic-prefix", prefix, "--feature-store", "embedded:" + store, "--model-dir", build.modelDir().toString());
  }

  /** A test's own topics (created over SASL_SSL), store, job config and client properties. */
  private record Secured(String id, String prefix, JobConfig config, Properties client) {
    static Secured create(String name) {
      String id = UUID.randomUUID().toString().substring(0, 8);
      String prefix = name + "-" + id + ".";
      JobConfig config = jobConfig(prefix, name + "-" + id);
      Properties client = KafkaIO.clientProperties(config);
      assertThat(TopicAdmin.createAll(client, prefix)).hasSize(Topics.ALL.size());
      return new Secured(id, prefix, config, client);
    }
  }

  @Test
  void theFeatureJobReadsAndWritesThroughTheBrokerOverSaslSsl() throws Exception {
    Secured t = Secured.create("features");
    String id = t.id();
    String prefix = t.prefix();
    Properties client = t.client();

    JobClient job = FeatureJob.withKafka(t.config()).executeAsync(flink.environment());
    String jobId = job.getJobID().toHexString();
    try {
      new FlinkRestClient(flink.restUrl()).waitForRunning(jobId, TIMEOUT);
      String user = "u-" + id;
      String marker = "garbage-" + id;
      try (RecClient producer = new RecClient(client, prefix);
          TopicReader deadLetters = new TopicReader(client, Topics.DEAD_LETTERS.nameWithPrefix(prefix))) {
        producer.send(Topics.INTERACTIONS, user, Interaction.of("e-" + id, user, "i-" + id,
            InteractionType.PURCHASE, System.currentTimeMillis()).withRegion("France"));
        producer.send(Topics.INTERACTIONS, user, ("{not json " + marker).getBytes(StandardCharsets.UTF_8));
        producer.flush();

        // Written by the job's Kafka sink, read back here: both over SASL_SSL.
        DeadLetter letter = Json.read(deadLetters.awaitRecord(r -> new String(r.value(), StandardCharsets.UTF_8)
            .contains(marker), TIMEOUT).value(), DeadLetter.class);
        assertThat(letter.topic()).isEqualTo(Topics.INTERACTIONS.nameWithPrefix(prefix));
        assertThat(letter.job()).isEqualTo(FeatureJob.NAME);
      }
      // Read by the job's Kafka source: the purchase reached the user's features.
      EmbeddedFeatureStore store = EmbeddedFeatureStore.shared("features-" + id);
      awaitTrue(() -> store.get(new FeatureKey(StoreLayout.UserBins.SET, user)).isPresent(),
          "features of " + user + " in the store");

      // The web UI's Job → Configuration shows the options, the secrets as references only.
      String shown = get(flink.restUrl().resolve("/jobs/" + jobId + "/config"));
      assertThat(shown).contains("kafka.security.protocol").contains("${file:" + passwordFile + "}")
          .doesNotContain(kafkaPassword).doesNotContain(tls.truststorePassword());
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theServingJobsStatefulFunctionsAnswerOverSaslSsl() throws Exception {
    // The floor variant of the serving job: the same Kafka sources, StateFun runtime and Kafka sink, no models.
    Secured t = Secured.create("serving");
    JobClient job = ServingJob.echo(t.config()).executeAsync(flink.environment());
    try {
      new FlinkRestClient(flink.restUrl()).waitForRunning(job.getJobID().toHexString(), TIMEOUT);
      try (RecClient requests = new RecClient(t.client(), t.prefix())) {
        RecRequest request = RecRequest.of("r-" + t.id(), "u-" + t.id(), System.currentTimeMillis(), 5);
        CompletableFuture<RecClient.Reply> reply = requests.request(request);
        requests.flush();
        assertThat(reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).response().requestId())
            .isEqualTo(request.requestId);
      }
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void clientsWithoutTheCredentialsOrTheCaAreRefused() {
    Properties good = KafkaIO.clientProperties(jobConfig("refused.", "refused"));
    Properties wrongPassword = copy(good);
    wrongPassword.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"" + USER + "\" password=\"not-" + kafkaPassword + "\";");
    assertThatThrownBy(() -> listTopics(wrongPassword)).hasCauseInstanceOf(SaslAuthenticationException.class);

    Properties noTruststore = copy(good);
    noTruststore.remove("ssl.truststore.location");
    noTruststore.remove("ssl.truststore.password");
    noTruststore.remove("ssl.truststore.type");
    assertThatThrownBy(() -> listTopics(noTruststore)).hasCauseInstanceOf(SslAuthenticationException.class);
  }

  private static Properties copy(Properties p) {
    Properties c = new Properties();
    c.putAll(p);
    c.setProperty("default.api.timeout.ms", "20000");
    c.setProperty("request.timeout.ms", "10000");
    return c;
  }

  private static void listTopics(Properties p) throws ExecutionException, InterruptedException {
    try (Admin admin = Admin.create(p)) {
      admin.listTopics().names().get();
    }
  }

  private static String get(URI uri) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s", uri).isEqualTo(200);
    return r.body();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TIMEOUT + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }
}
