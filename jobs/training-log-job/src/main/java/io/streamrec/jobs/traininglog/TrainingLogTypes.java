package io.streamrec.jobs.traininglog;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.contract.PredictionLog;
import io.streamrec.core.features.EventCodecs;
import io.streamrec.core.training.TrainingCodecs;
import io.streamrec.core.training.UserLabels;
import io.streamrec.jobs.common.state.CompactTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The training-log job's records and state in their compact form (no Kryo, no reflective POJO copies). */
final class TrainingLogTypes {
  private TrainingLogTypes() {}

  static final TypeInformation<PredictionLog> PREDICTION_LOGS =
      new CompactTypeInfo<>(PredictionLog.class, new TrainingCodecs.PredictionLogs());
  static final TypeInformation<Interaction> INTERACTIONS =
      new CompactTypeInfo<>(Interaction.class, new EventCodecs.Interactions());
  static final TypeInformation<UserLabels> LABELS =
      new CompactTypeInfo<>(UserLabels.class, new TrainingCodecs.Labels());
}
