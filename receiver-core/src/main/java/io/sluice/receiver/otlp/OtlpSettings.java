// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import java.util.List;
import java.util.Objects;

/**
 * How OTLP metrics are translated, Thanos receive's settings of its translator: metric suffixes are
 * always added and label names always sanitised (Thanos has no flag for either).
 *
 * @param targetInfo {@code --receive.otlp-enable-target-info}: emit a {@code target_info} series
 *     per resource carrying its non-identifying attributes
 * @param promoteResourceAttributes {@code --receive.otlp-promote-resource-attributes}: resource
 *     attributes copied onto every series of the resource (a data point attribute of the same label
 *     name wins)
 */
public record OtlpSettings(boolean targetInfo, List<String> promoteResourceAttributes) {
  /** Thanos' defaults: {@code target_info} on, nothing promoted. */
  public static final OtlpSettings DEFAULTS = new OtlpSettings(true, List.of());

  /** Copies the list; rejects null. */
  public OtlpSettings {
    promoteResourceAttributes =
        List.copyOf(Objects.requireNonNull(promoteResourceAttributes, "promoteResourceAttributes"));
  }
}
