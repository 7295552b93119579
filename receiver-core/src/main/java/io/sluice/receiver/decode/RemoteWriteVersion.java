// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

/**
 * The two remote-write protocol versions, and how a request's headers select one, exactly as Thanos
 * receive does it.
 */
public enum RemoteWriteVersion {
  /** Remote write 1.0: {@code prometheus.WriteRequest}. */
  V1("application/x-protobuf", "0.1.0"),
  /** Remote write 2.0: {@code io.prometheus.write.v2.Request}. */
  V2("application/x-protobuf;proto=io.prometheus.write.v2.Request", "2.0.0");

  /** The {@code Content-Type} that names remote write 1.0 explicitly. */
  public static final String V1_EXPLICIT_CONTENT_TYPE =
      "application/x-protobuf;proto=prometheus.WriteRequest";

  private final String contentType;
  private final String versionHeader;

  RemoteWriteVersion(String contentType, String versionHeader) {
    this.contentType = contentType;
    this.versionHeader = versionHeader;
  }

  /**
   * The {@code Content-Type} a sender of this version sends by default.
   *
   * @return {@code application/x-protobuf} for V1 (what Prometheus 2.42 sends), {@code
   *     application/x-protobuf;proto=io.prometheus.write.v2.Request} for V2
   */
  public String contentType() {
    return contentType;
  }

  /**
   * The {@code X-Prometheus-Remote-Write-Version} a sender of this version sends.
   *
   * @return {@code 0.1.0} or {@code 2.0.0}
   */
  public String versionHeader() {
    return versionHeader;
  }

  /**
   * Picks the version of a request from its headers, as Thanos receive does: a version header other
   * than {@code 2.0.0} (absent included) means V1 whatever the content type says. With {@code
   * 2.0.0}, the content type must be present and equal, as a string, to one of the three accepted
   * values; no whitespace or parameter variation is tolerated.
   *
   * @param versionHeader the {@code X-Prometheus-Remote-Write-Version} header, or null if absent
   * @param contentType the {@code Content-Type} header, or null if absent
   * @return the version to decode the body with
   * @throws UnsupportedContentTypeException if the version header is {@code 2.0.0} and the content
   *     type is missing, empty or not accepted (HTTP 400)
   */
  public static RemoteWriteVersion negotiate(String versionHeader, String contentType)
      throws UnsupportedContentTypeException {
    if (!V2.versionHeader.equals(versionHeader)) {
      return V1;
    }
    if (contentType == null || contentType.isEmpty()) {
      throw new UnsupportedContentTypeException(
          "missing Content-Type header for remote write version 2.0.0");
    }
    if (contentType.equals(V2.contentType)) {
      return V2;
    }
    if (contentType.equals(V1.contentType) || contentType.equals(V1_EXPLICIT_CONTENT_TYPE)) {
      return V1;
    }
    throw new UnsupportedContentTypeException(
        "unsupported Content-Type \"" + contentType + "\" for remote write version 2.0.0");
  }
}
