// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import java.util.Locale;

/** The actions of a Prometheus {@code relabel_config}, with their YAML names. */
public enum RelabelAction {
  /** Sets {@code target_label} to the expanded {@code replacement} when the regex matches. */
  REPLACE("replace"),
  /** Drops the series unless the regex matches the joined source values. */
  KEEP("keep"),
  /** Drops the series when the regex matches the joined source values. */
  DROP("drop"),
  /** Drops the series unless the joined source values equal {@code target_label}'s value. */
  KEEPEQUAL("keepequal"),
  /** Drops the series when the joined source values equal {@code target_label}'s value. */
  DROPEQUAL("dropequal"),
  /** Sets {@code target_label} to an MD5 of the joined source values modulo {@code modulus}. */
  HASHMOD("hashmod"),
  /** Copies every label whose name matches to the name the replacement makes of it. */
  LABELMAP("labelmap"),
  /** Removes every label whose name matches. */
  LABELDROP("labeldrop"),
  /** Removes every label whose name does not match. */
  LABELKEEP("labelkeep"),
  /** Sets {@code target_label} to the lower-cased joined source values. */
  LOWERCASE("lowercase"),
  /** Sets {@code target_label} to the upper-cased joined source values. */
  UPPERCASE("uppercase");

  private final String yamlName;

  RelabelAction(String yamlName) {
    this.yamlName = yamlName;
  }

  /** {@return the name in configuration files, e.g. {@code labelmap}} */
  public String yamlName() {
    return yamlName;
  }

  /**
   * The action named {@code name}, in any letter case, as Prometheus reads it.
   *
   * @throws IllegalArgumentException with Prometheus' message {@code unknown relabel action "x"}
   */
  public static RelabelAction fromYaml(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (RelabelAction a : values()) {
      if (a.yamlName.equals(lower)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown relabel action " + GoQuote.quote(name));
  }

  /** {@return the YAML name} */
  @Override
  public String toString() {
    return yamlName;
  }
}
