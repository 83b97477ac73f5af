package io.streamrec.vespa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.streamrec.core.index.VectorIndexException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The adapter's own HTTP/2 client, for what vespa-feed-client does not do: queries ({@code /search/}), document
 * GETs (registry, similar(), classifying a failed condition) and deletes by selection. Jetty's HttpClient over its
 * HTTP/2 transport, the stack vespa-feed-client uses too: {@code http://} is h2c with prior knowledge, {@code
 * https://} negotiates h2 by ALPN. Every call is asynchronous; I/O failures and timeouts complete the future with a
 * retryable {@link VectorIndexException}.
 */
final class VespaHttp implements AutoCloseable {
  /**
   * Responses are small JSON (hits carry item ids, or ids and vectors: a few hundred KB at most); a cap keeps a
   * misbehaving server from filling the heap.
   */
  private static final int MAX_RESPONSE_BYTES = 32 << 20;

  private final URI endpoint;
  private final HttpClient client;
  private final ObjectMapper json;
  private final String authorization;

  VespaHttp(URI endpoint, SSLContext sslContext, String bearerToken, ObjectMapper json) {
    this.endpoint = endpoint;
    this.json = json;
    this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
    ClientConnector connector = new ClientConnector();
    QueuedThreadPool threads = new QueuedThreadPool(8, 1);
    threads.setName("vespa-index-http");
    threads.setDaemon(true); // an unclosed index must not keep a task manager JVM alive
    connector.setExecutor(threads);
    connector.setSelectors(1);
    connector.setConnectTimeout(Duration.ofSeconds(10));
    if (sslContext != null) {
      SslContextFactory.Client tls = new SslContextFactory.Client();
      tls.setSslContext(sslContext);
      connector.setSslContextFactory(tls);
    }
    HttpClient c = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
    c.setExecutor(threads);
    c.setFollowRedirects(false);
    c.setHttpCookieStore(new HttpCookieStore.Empty());
    c.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "streamrec-vespa-index"));
    try {
      c.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP client: " + e, e);
    }
    this.client = c;
  }

  /** A response: its status and JSON body ({@link MissingNode} when the body is not JSON). */
  record Reply(int status, JsonNode body, String text) {
    String message() {
      JsonNode m = body.path("message");
      return m.isTextual() ? m.asText() : text;
    }
  }

  CompletableFuture<Reply> get(String pathAndQuery, Duration timeout) {
    return send(HttpMethod.GET, pathAndQuery, null, timeout);
  }

  CompletableFuture<Reply> post(String path, JsonNode body, Duration timeout) {
    return send(HttpMethod.POST, path, body, timeout);
  }

  CompletableFuture<Reply> delete(String pathAndQuery, Duration timeout) {
    return send(HttpMethod.DELETE, pathAndQuery, null, timeout);
  }

  private CompletableFuture<Reply> send(HttpMethod method, String pathAndQuery, JsonNode body, Duration timeout) {
    String what = method + " " + pathAndQuery.replaceAll("\\?.*", "");
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    try {
      Request request = client.newRequest(endpoint.resolve(pathAndQuery))
          .method(method)
          .version(HttpVersion.HTTP_2)
          .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .headers(h -> {
            h.put(HttpHeader.ACCEPT, "application/json");
            if (authorization != null) {
              h.put(HttpHeader.AUTHORIZATION, authorization);
            }
          });
      if (body != null) {
        request.body(new StringRequestContent("application/json", json.writeValueAsString(body),
            StandardCharsets.UTF_8));
      }
      new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send().whenComplete((response, failure) -> {
        if (failure != null) {
          reply.completeExceptionally(transportFailure(what, failure, timeout));
        } else {
          reply.complete(reply(response));
        }
      });
    } catch (Exception e) {
      reply.completeExceptionally(transportFailure(what, e, timeout));
    }
    return reply;
  }

  private Reply reply(ContentResponse response) {
    String text = response.getContentAsString();
    JsonNode node;
    try {
      node = text == null || text.isEmpty() ? MissingNode.getInstance() : json.readTree(text);
    } catch (IOException e) {
      node = MissingNode.getInstance();
    }
    return new Reply(response.getStatus(), node == null ? MissingNode.getInstance() : node, text);
  }

  private VectorIndexException transportFailure(String what, Throwable failure, Duration timeout) {
    Throwable t = unwrap(failure);
    if (t instanceof VectorIndexException v) {
      return v;
    }
    if (t instanceof TimeoutException) {
      return new VectorIndexException(what + " to Vespa at " + endpoint + " timed out after " + timeout.toMillis()
          + " ms", true, t);
    }
    boolean retryable = t instanceof IOException || t instanceof IllegalStateException;
    return new VectorIndexException(what + " to Vespa at " + endpoint + " failed: " + t, retryable, t);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      // closing: nothing left to do with the failure
    }
  }
}
