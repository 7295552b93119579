// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcServerMetricsTest {
  @Test
  void codeNamesAreGoGrpcsInCodeOrder() {
    // google.golang.org/grpc/codes: Code.String() for codes 0..16.
    List<String> go =
        List.of(
            "OK",
            "Canceled",
            "Unknown",
            "InvalidArgument",
            "DeadlineExceeded",
            "NotFound",
            "AlreadyExists",
            "PermissionDenied",
            "ResourceExhausted",
            "FailedPrecondition",
            "Aborted",
            "OutOfRange",
            "Unimplemented",
            "Internal",
            "Unavailable",
            "DataLoss",
            "Unauthenticated");
    assertThat(
            Arrays.stream(Status.Code.values())
                .sorted((a, b) -> Integer.compare(a.value(), b.value()))
                .map(GrpcServerMetrics::goName)
                .toList())
        .isEqualTo(go);
  }
}
