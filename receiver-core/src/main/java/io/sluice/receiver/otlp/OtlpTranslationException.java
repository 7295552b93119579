// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.otlp;

import io.sluice.receiver.decode.RemoteWriteDecodeException;

/**
 * OTLP metrics that cannot be translated to Prometheus series: Thanos answers 400 with the
 * translator's errors, one as it is or several as {@code N errors: a; b} in the order they were
 * found.
 */
public final class OtlpTranslationException extends RemoteWriteDecodeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message the translator's errors
   */
  public OtlpTranslationException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
