// SPDX-License-Identifier: Apache-2.0
package io.sluice.bench.rwload;

/**
 * The remote-write protocol versions rwload can speak, with the HTTP headers that identify them.
 */
public enum Protocol {
  /** Remote write 1.0: {@code prometheus.WriteRequest}. */
  V1("application/x-protobuf", "0.1.0"),
  /** Remote write 2.0: {@code io.prometheus.write.v2.Request}. */
  V2("application/x-protobuf;proto=io.prometheus.write.v2.Request", "2.0.0");

  private final String contentType;
  private final String versionHeader;

  Protocol(String contentType, String versionHeader) {
    this.contentType = contentType;
    this.versionHeader = versionHeader;
  }

  /** Returns the {@code Content-Type} a sender of this version uses. */
  public String contentType() {
    return contentType;
  }

  /** Returns the value of the {@code X-Prometheus-Remote-Write-Version} header. */
  public String versionHeader() {
    return versionHeader;
  }

  /**
   * Returns the protocol a receiver should assume for a request with this {@code Content-Type}.
   *
   * @param contentType the header value, or {@code null} if absent (taken as v1, as Prometheus
   *     does)
   */
  public static Protocol fromContentType(String contentType) {
    if (contentType != null && contentType.contains("proto=io.prometheus.write.v2.Request")) {
      return V2;
    }
    return V1;
  }
}
