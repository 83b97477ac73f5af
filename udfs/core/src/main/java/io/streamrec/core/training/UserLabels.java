package io.streamrec.core.training;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One user's side of the training-log join: the served items waiting for their label window to close, and the
 * recent positive events (for a prediction log that arrives after its outcome). Pure logic: the caller supplies
 * event time and the watermark, and turns closed entries into examples.
 *
 * <p>Both lists are bounded by {@link TrainingLogSettings#maxPendingPerUser()}: a user past it (a crawler, a load
 * test) gets no new served items until old ones close, and loses its oldest buffered events.
 */
public final class UserLabels {
  final List<ServedEntry> pending;
  final List<Positive> positives;

  public UserLabels() {
    this(new ArrayList<>(), new ArrayList<>());
  }

  UserLabels(List<ServedEntry> pending, List<Positive> positives) {
    this.pending = pending;
    this.positives = positives;
  }

  /** What {@link #add} did with one prediction log's entries. */
  public record Added(int added, boolean duplicateLog, int overBound) {}

  /**
   * Adds the entries of one prediction log (all of one request), labelled with the buffered events that match
   * them. A log whose request is already pending is a duplicate (the serving job's sink is at-least-once) and is
   * ignored as a whole.
   */
  public Added add(List<ServedEntry> entries, TrainingLogSettings settings) {
    if (entries.isEmpty()) {
      return new Added(0, false, 0);
    }
    String requestId = entries.get(0).requestId;
    for (ServedEntry e : pending) {
      if (e.requestId.equals(requestId)) {
        return new Added(0, true, 0);
      }
    }
    int added = 0;
    int over = 0;
    for (ServedEntry e : entries) {
      if (pending.size() >= settings.maxPendingPerUser()) {
        over++;
        continue;
      }
      for (Positive p : positives) {
        if (e.matches(p, settings)) {
          e.label(p, settings);
        }
      }
      pending.add(e);
      added++;
    }
    return new Added(added, false, over);
  }

  /** What {@link #apply} did with one positive event. */
  public record Applied(int labelled, boolean buffered, boolean evictedOldest) {}

  /**
   * Labels every pending entry {@code p} matches and, unless {@code buffer} is false, keeps {@code p} for logs
   * still to come. An exact repeat of a buffered event (a re-sent interaction) changes nothing.
   */
  public Applied apply(Positive p, boolean buffer, TrainingLogSettings settings) {
    int labelled = 0;
    for (ServedEntry e : pending) {
      if (e.matches(p, settings)) {
        e.label(p, settings);
        labelled++;
      }
    }
    if (!buffer) {
      return new Applied(labelled, false, false);
    }
    for (Positive q : positives) {
      if (q.sameAs(p)) {
        return new Applied(labelled, false, false);
      }
    }
    boolean evicted = false;
    if (positives.size() >= settings.maxPendingPerUser()) {
      positives.remove(0);
      evicted = true;
    }
    positives.add(p);
    return new Applied(labelled, true, evicted);
  }

  /**
   * Removes and returns (in the order they were served) the entries whose label window and allowed lateness have
   * passed at {@code watermark}, and forgets the events older than the allowed lateness.
   */
  public List<ServedEntry> close(long watermark, TrainingLogSettings settings) {
    List<ServedEntry> closed = new ArrayList<>();
    for (Iterator<ServedEntry> it = pending.iterator(); it.hasNext(); ) {
      ServedEntry e = it.next();
      if (settings.closesAt(e.servedAt) <= watermark) {
        closed.add(e);
        it.remove();
      }
    }
    positives.removeIf(p -> p.ts + settings.allowedLatenessMs() <= watermark);
    return closed;
  }

  public boolean isEmpty() {
    return pending.isEmpty() && positives.isEmpty();
  }

  public int pendingCount() {
    return pending.size();
  }

  public int bufferedCount() {
    return positives.size();
  }
}
