package io.streamrec.jobs.feature;

import io.streamrec.core.contract.Interaction;
import io.streamrec.core.features.EnrichedInteraction;
import io.streamrec.core.features.EventCodecs;
import io.streamrec.core.features.FeatureStateCodecs;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.jobs.common.state.CompactTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The feature job's state and event classes in their compact form, for keyed state and records between operators. */
final class FeatureStateTypes {
  private FeatureStateTypes() {}

  static final TypeInformation<UserFeatureState> USERS =
      new CompactTypeInfo<>(UserFeatureState.class, new FeatureStateCodecs.Users());
  static final TypeInformation<ItemFeatureState> ITEMS =
      new CompactTypeInfo<>(ItemFeatureState.class, new FeatureStateCodecs.Items());
  static final TypeInformation<Interaction> INTERACTIONS =
      new CompactTypeInfo<>(Interaction.class, new EventCodecs.Interactions());
  static final TypeInformation<EnrichedInteraction> ENRICHED =
      new CompactTypeInfo<>(EnrichedInteraction.class, new EventCodecs.Enriched());
}
