package io.streamrec.jobs.index;

import java.util.Objects;

/**
 * Which index generations the job writes to, broadcast to every item task by {@link GenerationControlSource}: the
 * active generation (serving reads it) and, during a model roll-out, the one being built beside it. A Flink POJO.
 */
public final class ControlState {
  /** 0 when no generation is active yet. */
  public long activeGeneration;
  public String activeModel;
  /** 0 when nothing is being built. */
  public long buildingGeneration;
  public String buildingModel;

  public ControlState() {}

  public static ControlState of(long active, String activeModel, long building, String buildingModel) {
    ControlState c = new ControlState();
    c.activeGeneration = active;
    c.activeModel = activeModel;
    c.buildingGeneration = building;
    c.buildingModel = buildingModel;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ControlState c && c.activeGeneration == activeGeneration
        && c.buildingGeneration == buildingGeneration && Objects.equals(c.activeModel, activeModel)
        && Objects.equals(c.buildingModel, buildingModel);
  }

  @Override
  public int hashCode() {
    return Objects.hash(activeGeneration, buildingGeneration);
  }

  @Override
  public String toString() {
    return "ControlState{active=" + activeGeneration + "(" + activeModel + "), building=" + buildingGeneration
        + "(" + buildingModel + ")}";
  }
}
