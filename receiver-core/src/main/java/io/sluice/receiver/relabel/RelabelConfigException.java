// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.relabel;

import java.io.IOException;

/**
 * A relabel configuration cannot be used: it is not valid YAML, not a list of rules, has a value of
 * the wrong type, an unknown action, an invalid label name or regex (the message starts {@code
 * parsing relabel configuration:}), or a rule that Prometheus' validation rejects ({@code validate
 * relabel config:}, with Prometheus' message). The message names the rule and its line.
 */
public final class RelabelConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, and where
   */
  public RelabelConfigException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, and where
   * @param cause the parser's exception
   */
  public RelabelConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
