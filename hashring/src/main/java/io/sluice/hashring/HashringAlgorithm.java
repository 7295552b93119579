// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * How a hashring places series: the values of Thanos' {@code --receive.hashrings-algorithm} flag
 * and of a ring's {@code "algorithm"} key.
 */
public enum HashringAlgorithm {
  /** {@link HashmodHashring}; Thanos' default. */
  HASHMOD("hashmod"),
  /** {@link KetamaHashring}, the consistent one Thanos recommends. */
  KETAMA("ketama");

  private final String configName;

  HashringAlgorithm(String configName) {
    this.configName = configName;
  }

  /** {@return the name used in flags and in the hashring file} */
  public String configName() {
    return configName;
  }

  /**
   * Resolves a ring's {@code "algorithm"} value as Thanos does: empty means {@code
   * defaultAlgorithm}; {@code "hashmod"} and {@code "ketama"} (exact, case-sensitive) name
   * themselves; anything else falls back to {@link #HASHMOD}.
   */
  public static HashringAlgorithm resolve(String configValue, HashringAlgorithm defaultAlgorithm) {
    if (configValue == null || configValue.isEmpty()) {
      return defaultAlgorithm;
    }
    return KETAMA.configName.equals(configValue) ? KETAMA : HASHMOD;
  }

  /**
   * Parses a flag value.
   *
   * @throws IllegalArgumentException unless the value is {@code hashmod} or {@code ketama}
   */
  public static HashringAlgorithm fromFlag(String value) {
    for (HashringAlgorithm a : values()) {
      if (a.configName.equals(value)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "hashring algorithm must be hashmod or ketama, not \"" + value + "\"");
  }

  /** {@return whether {@code configValue} is one of the two known names} */
  static boolean isKnown(String configValue) {
    return HASHMOD.configName.equals(configValue) || KETAMA.configName.equals(configValue);
  }
}
