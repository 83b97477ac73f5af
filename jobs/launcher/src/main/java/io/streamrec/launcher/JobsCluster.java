package io.streamrec.launcher;

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

  /** Submits the feature job and the serving job as two separate Flink jobs and waits until both run. */
  List<SubmittedJob> submitJobs(JobConfig config, Duration timeout) throws Exception;

  @Override
  void close() throws Exception;
}
