package io.streamrec.vespa;

import static io.streamrec.vespa.VespaLayout.F_ACTIVE;
import static io.streamrec.vespa.VespaLayout.F_GENERATIONS;
import static io.streamrec.vespa.VespaLayout.F_REVISION;
import static io.streamrec.vespa.VespaLayout.S_DIMENSION;
import static io.streamrec.vespa.VespaLayout.S_GENERATION;
import static io.streamrec.vespa.VespaLayout.S_MODEL_VERSION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.core.index.Generation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The generations of one namespace as stored in Vespa: the single {@code index_generation} document
 * {@code id:<namespace>:index_generation::registry}. One document makes a publish atomic for every reader: a reader
 * sees the old active generation or the new one, never both or none. Writes to it are partial updates with
 * {@code create=true} and the condition {@code index_generation.revision == <revision read>}: two writers racing
 * cannot both win, and the first write creates the document (Vespa ignores a condition when the document does not
 * exist yet, and serialises operations on one document, so the second creator fails its condition).
 *
 * @param revision 0 when the registry does not exist yet
 * @param active the active generation's id, 0 when none
 * @param generations the generations held (the active one and any being built), by id
 */
record GenerationRegistry(long revision, long active, List<Generation> generations) {

  static final GenerationRegistry EMPTY = new GenerationRegistry(0, 0, List.of());

  GenerationRegistry {
    generations = generations.stream().sorted(Comparator.comparingLong(Generation::id)).toList();
  }

  Optional<Generation> find(long id) {
    return generations.stream().filter(g -> g.id() == id).findFirst();
  }

  Optional<Generation> activeGeneration() {
    return active == 0 ? Optional.empty() : find(active);
  }

  /** True when writes to {@code id} are harmless no-ops: it was replaced by a newer generation and dropped. */
  boolean retired(long id) {
    return find(id).isEmpty() && id < active;
  }

  GenerationRegistry with(Generation g) {
    List<Generation> next = new ArrayList<>(generations);
    next.add(g);
    return new GenerationRegistry(revision + 1, active, next);
  }

  /** {@code id} active, every older generation dropped. */
  GenerationRegistry publish(long id) {
    return new GenerationRegistry(revision + 1, id, generations.stream().filter(g -> g.id() >= id).toList());
  }

  /** The registry in a GET response's {@code fields}; absent fields are Vespa's way of saying empty. */
  static GenerationRegistry fromFields(JsonNode fields) {
    if (fields == null || fields.isMissingNode() || fields.isNull()) {
      return EMPTY;
    }
    List<Generation> gens = new ArrayList<>();
    for (JsonNode g : fields.path(F_GENERATIONS)) {
      gens.add(new Generation(g.path(S_GENERATION).asLong(), g.path(S_MODEL_VERSION).asText(),
          g.path(S_DIMENSION).asInt()));
    }
    return new GenerationRegistry(fields.path(F_REVISION).asLong(0), fields.path(F_ACTIVE).asLong(0), gens);
  }

  /** The partial update that makes the stored registry equal to this one. */
  ObjectNode toUpdate() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode fields = f.objectNode();
    fields.putObject(F_REVISION).put("assign", revision);
    fields.putObject(F_ACTIVE).put("assign", active);
    ArrayNode gens = fields.putObject(F_GENERATIONS).putArray("assign");
    for (Generation g : generations) {
      gens.addObject().put(S_GENERATION, g.id()).put(S_MODEL_VERSION, g.modelVersion())
          .put(S_DIMENSION, g.dimension());
    }
    ObjectNode update = f.objectNode();
    update.set("fields", fields);
    return update;
  }
}
