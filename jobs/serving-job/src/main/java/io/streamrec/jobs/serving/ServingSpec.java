package io.streamrec.jobs.serving;

import io.streamrec.core.index.VectorIndexSpec;
import io.streamrec.core.store.FeatureStoreSpec;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything a serving function needs to build its pipeline on the task manager.
 *
 * @param servedWindow how long a served item is not shown again to the same user
 * @param modelPoll how often the model registry is checked for a new current ranker
 */
record ServingSpec(FeatureStoreSpec store, VectorIndexSpec index, String modelDir, String responseTopic,
    String predictionLogTopic, Duration servedWindow, Duration modelPoll) implements Serializable {}
