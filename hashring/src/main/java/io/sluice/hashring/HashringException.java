// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

/**
 * A hashring lookup failed: the series cannot be placed. Thanos answers such a request with HTTP
 * 500. The subclasses say why.
 */
public class HashringException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, with Thanos' wording
   */
  public HashringException(String message) {
    super(message);
  }

  /**
   * For lookup failures that repeat for every series of a misconfigured ring: no stack trace.
   *
   * @param message what went wrong, with Thanos' wording
   * @param cause the cause, or null
   * @param stackTrace whether to fill in the stack trace
   */
  protected HashringException(String message, Throwable cause, boolean stackTrace) {
    super(message, cause, true, stackTrace);
  }
}
