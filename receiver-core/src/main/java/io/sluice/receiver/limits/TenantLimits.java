// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.limits;

/**
 * The limits that apply to one tenant's remote-write requests, with the default already merged in.
 * A value of 0 or less means unlimited, as in Thanos.
 *
 * @param sizeBytes {@code request.size_bytes_limit}: the largest body, compressed (against {@code
 *     Content-Length} or the bytes read) and decoded, in bytes (413 above)
 * @param series {@code request.series_limit}: the most time series in one request (413 above)
 * @param samples {@code request.samples_limit}: the most float samples in one request, histograms
 *     not counted (413 above)
 * @param headSeries {@code head_series_limit}: the tenant's active series at or above which its
 *     requests get 429; never negative
 */
public record TenantLimits(long sizeBytes, long series, long samples, long headSeries) {
  /** No limit at all. */
  public static final TenantLimits UNLIMITED = new TenantLimits(0, 0, 0, 0);

  /**
   * @throws IllegalArgumentException if {@code headSeries} is negative (Thanos reads it as an
   *     unsigned integer)
   */
  public TenantLimits {
    if (headSeries < 0) {
      throw new IllegalArgumentException("headSeries must be >= 0: " + headSeries);
    }
  }

  /** {@return whether any of the three request limits is set} */
  public boolean limitsRequests() {
    return sizeBytes > 0 || series > 0 || samples > 0;
  }
}
