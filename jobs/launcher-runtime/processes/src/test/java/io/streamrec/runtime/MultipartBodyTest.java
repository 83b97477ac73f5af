package io.streamrec.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartBodyTest {

    @TempDir
    Path dir;

    @Test
    void writesOneFilePartExactlyAsRfc7578Says() throws Exception {
        byte[] jar = {'P', 'K', 3, 4, 0, (byte) 0xff, '\r', '\n', '-', '-'};
        Path file = Files.write(dir.resolve("my job.jar"), jar);
        MultipartBody body = MultipartBody.ofFile("jarfile", file, "application/x-java-archive", "B0UND");

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(("--B0UND\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"my job.jar\"\r\n"
                + "Content-Type: application/x-java-archive\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(jar);
        expected.writeBytes("\r\n--B0UND--\r\n".getBytes(StandardCharsets.US_ASCII));

        HttpRequest.BodyPublisher publisher = body.publisher();
        assertThat(body.contentType()).isEqualTo("multipart/form-data; boundary=B0UND");
        assertThat(publisher.contentLength()).isEqualTo(expected.size());
        assertThat(drain(publisher)).isEqualTo(expected.toByteArray());
    }

    @Test
    void boundariesAreRandomAndFileNamesAreQuotable() throws Exception {
        Path file = Files.write(dir.resolve("a.jar"), new byte[0]);
        assertThat(MultipartBody.ofFile("f", file, "x/y").boundary())
                .isNotEqualTo(MultipartBody.ofFile("f", file, "x/y").boundary())
                .matches("streamrec-[0-9a-f]{32}");
        assertThat(MultipartBody.quotable("a\"b\\c\r\nd.jar")).isEqualTo("a_b_c__d.jar");
    }

    /** Reads a body publisher the way HttpClient does: subscribe, request everything, collect. */
    static byte[] drain(HttpRequest.BodyPublisher publisher) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }
}
