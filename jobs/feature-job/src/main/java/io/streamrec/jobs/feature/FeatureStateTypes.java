package io.streamrec.jobs.feature;

import io.streamrec.core.features.FeatureStateCodecs;
import io.streamrec.core.features.ItemFeatureState;
import io.streamrec.core.features.UserFeatureState;
import io.streamrec.jobs.common.state.CompactTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The feature job's state classes in their compact form, for keyed state and for records between operators. */
final class FeatureStateTypes {
  private FeatureStateTypes() {}

  static final TypeInformation<UserFeatureState> USERS =
      new CompactTypeInfo<>(UserFeatureState.class, new FeatureStateCodecs.Users());
  static final TypeInformation<ItemFeatureState> ITEMS =
      new CompactTypeInfo<>(ItemFeatureState.class, new FeatureStateCodecs.Items());
}
