package io.streamrec.vespa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;

/** Plain HTTP/2 (h2c) requests to the double, for tests that pin down its protocol behaviour request by request. */
final class RawH2c implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI endpoint;
  private final HttpClient client;

  record Reply(int status, JsonNode body) {}

  RawH2c(URI endpoint) {
    this.endpoint = endpoint;
    this.client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Reply send(String method, String pathAndQuery, String body) {
    return send(method, pathAndQuery, body, false);
  }

  Reply send(String method, String pathAndQuery, String body, boolean gzip) {
    try {
      Request r = client.newRequest(endpoint.resolve(pathAndQuery)).method(method).version(HttpVersion.HTTP_2)
          .timeout(10, TimeUnit.SECONDS);
      if (body != null) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (gzip) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
          }
          bytes = out.toByteArray();
          r.headers(h -> h.put(HttpHeader.CONTENT_ENCODING, "gzip"));
        }
        r.body(new BytesRequestContent("application/json", bytes));
      }
      ContentResponse response = r.send();
      String text = response.getContentAsString();
      return new Reply(response.getStatus(), text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + pathAndQuery + " failed", e);
    }
  }

  /** A /search/ POST with the given YQL and extra JSON members (a JSON object's inside, may be empty). */
  Reply query(String yql, String members) {
    String body = "{\"yql\": " + JSON.valueToTree(yql) + (members.isEmpty() ? "" : ", " + members) + "}";
    return send("POST", "/search/", body);
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      // test teardown
    }
  }
}
