// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteWriteVersionTest {
  private static final String V2_TYPE =
      "application/x-protobuf;proto=io.prometheus.write.v2.Request";

  @ParameterizedTest(name = "version header [{0}], content type [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        // Any version header other than exactly 2.0.0 means V1, whatever the content type.
        "NULL   | NULL                                                         | V1",
        "NULL   | application/x-protobuf;proto=io.prometheus.write.v2.Request | V1",
        "0.1.0  | application/x-protobuf                                       | V1",
        "0.1.0  | application/x-protobuf;proto=io.prometheus.write.v2.Request | V1",
        "''     | application/x-protobuf;proto=io.prometheus.write.v2.Request | V1",
        "2.0    | application/x-protobuf;proto=io.prometheus.write.v2.Request | V1",
        "2.0.1  | application/json                                             | V1",
        // 2.0.0 selects by exact content type.
        "2.0.0  | application/x-protobuf;proto=io.prometheus.write.v2.Request | V2",
        "2.0.0  | application/x-protobuf                                       | V1",
        "2.0.0  | application/x-protobuf;proto=prometheus.WriteRequest        | V1",
      })
  void picksTheVersionLikeThanos(String versionHeader, String contentType, RemoteWriteVersion want)
      throws Exception {
    assertThat(RemoteWriteVersion.negotiate(versionHeader, contentType)).isEqualTo(want);
  }

  @ParameterizedTest(name = "version header 2.0.0, content type [{0}] -> 400")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL",
        "''",
        "application/json",
        "application/x-protobuf; proto=io.prometheus.write.v2.Request",
        "application/x-protobuf;proto=\"io.prometheus.write.v2.Request\"",
        "APPLICATION/X-PROTOBUF",
        "application/x-protobuf;proto=io.prometheus.write.v3.Request",
        "application/x-protobuf;proto=io.prometheus.write.v2.Request;charset=utf-8",
      })
  void rejectsAVersion2RequestWithoutAnAcceptedContentTypeWith400(String contentType) {
    assertThatThrownBy(() -> RemoteWriteVersion.negotiate("2.0.0", contentType))
        .isInstanceOfSatisfying(
            UnsupportedContentTypeException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageContaining("2.0.0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "V1 | application/x-protobuf | 0.1.0",
        "V2 | application/x-protobuf;proto=io.prometheus.write.v2.Request | 2.0.0",
      })
  void namesTheHeadersASenderOfEachVersionSends(
      RemoteWriteVersion version, String contentType, String versionHeader) throws Exception {
    assertThat(version.contentType()).isEqualTo(contentType);
    assertThat(version.versionHeader()).isEqualTo(versionHeader);
    assertThat(RemoteWriteVersion.negotiate(version.versionHeader(), version.contentType()))
        .isEqualTo(version);
  }
}
