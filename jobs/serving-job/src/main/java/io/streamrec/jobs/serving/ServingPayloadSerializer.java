package io.streamrec.jobs.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.ByteString;
import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.Json;
import io.streamrec.core.contract.RecRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.annotation.Nonnull;
import org.apache.flink.statefun.flink.core.generated.Payload;
import org.apache.flink.statefun.flink.core.message.MessagePayloadSerializer;

/**
 * How StateFun serializes the messages sent to serving functions: our contract JSON, tagged with the message type.
 *
 * <p>Chosen over StateFun's default (Kryo), which would silently serialize whatever class it is handed and break
 * on the first field change. Only the message types listed here can be sent; anything else fails loudly.
 */
public final class ServingPayloadSerializer implements MessagePayloadSerializer {

  private static final Map<String, Class<?>> TYPES =
      Map.of(
          Interaction.class.getName(), Interaction.class,
          RecRequest.class.getName(), RecRequest.class);

  @Override
  public Payload serialize(@Nonnull Object payload) {
    String type = payload.getClass().getName();
    if (!TYPES.containsKey(type)) {
      throw new IllegalArgumentException("serving functions do not accept messages of type " + type);
    }
    try {
      return Payload.newBuilder()
          .setClassName(type)
          .setPayloadBytes(ByteString.copyFrom(Json.MAPPER.writeValueAsBytes(payload)))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + type, e);
    }
  }

  @Override
  public Object deserialize(@Nonnull ClassLoader targetClassLoader, @Nonnull Payload payload) {
    Class<?> type = TYPES.get(payload.getClassName());
    if (type == null) {
      throw new IllegalStateException("unknown serving message type " + payload.getClassName());
    }
    try {
      return Json.MAPPER.readValue(payload.getPayloadBytes().toByteArray(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a " + type.getSimpleName() + " message", e);
    }
  }

  @Override
  public Object copy(@Nonnull ClassLoader targetClassLoader, @Nonnull Object what) {
    return deserialize(targetClassLoader, serialize(what));
  }
}
