package io.streamrec.launcher;

import io.streamrec.core.training.TrainingLogSettings;
import io.streamrec.jobs.common.JobConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** A Flink cluster the launcher submits the jobs to: the in-process MiniCluster or a standalone session cluster. */
public interface JobsCluster extends AutoCloseable {

  /** A job as submitted: its name and id (the ids the web UI and REST API show). */
  record SubmittedJob(String name, String jobId) {}

  /** The REST endpoint, which also serves the web UI. */
  URI restUrl();

  /**
   * Submits the feature, index, serving and training-log jobs as four separate Flink jobs and waits until all run.
   *
   * @param trainingLog the training-log job's own settings (where its files go)
   */
  List<SubmittedJob> submitJobs(JobConfig config, TrainingLogSettings trainingLog, Duration timeout)
      throws Exception;

  @Override
  void close() throws Exception;
}
