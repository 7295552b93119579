// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

/**
 * Why a request was refused by a limit, with Thanos' status code and response text (reference
 * {@code thanos-receive.md} §5.2). Prometheus drops a batch on 413 and, unless {@code
 * retry_on_http_429} is set, on 429 too.
 */
public enum LimitRejection {
  /** {@code size_bytes_limit}: the body, compressed or decoded, is too large. */
  BODY_SIZE("body_size", 413, "write request too large"),
  /** {@code series_limit}: too many time series in the request. */
  SERIES("series", 413, "too many timeseries"),
  /** {@code samples_limit}: too many float samples in the request. */
  SAMPLES("samples", 413, "too many samples"),
  /** {@code head_series_limit}: the tenant has reached its active-series limit. */
  HEAD_SERIES("head_series", 429, "tenant is above active series limit");

  private final String limitName;
  private final int httpStatus;
  private final String message;

  LimitRejection(String limitName, int httpStatus, String message) {
    this.limitName = limitName;
    this.httpStatus = httpStatus;
    this.message = message;
  }

  /**
   * {@return the {@code limit} label of {@code thanos_receive_write_limits{,_hit}}: body_size,
   * series or samples (head_series has no such label in Thanos)}
   */
  public String limitName() {
    return limitName;
  }

  /** {@return 413, or 429 for the head-series limit} */
  public int httpStatus() {
    return httpStatus;
  }

  /** {@return Thanos' response text} */
  public String message() {
    return message;
  }
}
