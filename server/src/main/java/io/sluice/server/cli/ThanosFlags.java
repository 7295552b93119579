// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import java.util.List;

/**
 * The {@code thanos receive} flags that Sluice accepts but does not implement yet. They are
 * accepted so that an existing argument list (kube-thanos, bitnami) starts unchanged; each one that
 * is given is logged once as a warning. Names and kinds are those registered by Thanos (see the
 * reference {@code thanos-receive.md} §1.4); boolean flags also accept kingpin's {@code --no-}
 * form.
 */
public final class ThanosFlags {
  private ThanosFlags() {}

  /** Boolean flags: {@code --flag}, {@code --flag=true|false} or {@code --no-flag}. */
  public static final List<String> BOOLEAN =
      List.of(
          "--remote-write.client-tls-secure",
          "--remote-write.client-tls-skip-verify",
          "--tsdb.allow-overlapping-blocks",
          "--tsdb.no-lockfile",
          "--tsdb.memory-snapshot-on-shutdown",
          "--tsdb.enable-native-histograms",
          "--shipper.allow-out-of-order-uploads",
          "--enable-auto-gomemlimit");

  /** Flags that take a value ({@code --flag=value} or {@code --flag value}); may repeat. */
  public static final List<String> VALUED =
      List.of(
          "--http-grace-period",
          "--http.config",
          "--grpc-grace-period",
          "--grpc-server-max-connection-age",
          "--grpc-server-tls-cert",
          "--grpc-server-tls-key",
          "--grpc-server-tls-client-ca",
          "--grpc-server-tls-min-version",
          "--grpc-server-tls-ciphers",
          "--grpc-server-tls-curves",
          "--remote-write.server-tls-cert",
          "--remote-write.server-tls-key",
          "--remote-write.server-tls-client-ca",
          "--remote-write.server-tls-min-version",
          "--remote-write.server-tls-ciphers",
          "--remote-write.server-tls-curves",
          "--remote-write.client-tls-cert",
          "--remote-write.client-tls-key",
          "--remote-write.client-tls-ca",
          "--remote-write.client-server-name",
          "--remote-write.client-tls-min-version",
          "--receive.capnproto-address",
          "--receive.grpc-service-config",
          "--receive.artificial-max-delay",
          "--receive.tenant-certificate-field",
          "--receive.replica-header",
          "--tsdb.max-retention-bytes",
          "--tsdb.head.expanded-postings-cache-size",
          "--tsdb.block.expanded-postings-cache-size",
          "--tsdb.write-queue-size",
          "--hash-func",
          "--shipper.upload-concurrency",
          "--store.limits.request-series",
          "--store.limits.request-samples",
          "--matcher-cache-size",
          "--receive.lazy-retrieval-max-buffered-responses",
          "--enable-feature",
          "--request.logging-config",
          "--request.logging-config-file",
          "--tracing.config",
          "--tracing.config-file",
          "--auto-gomemlimit.ratio");
}
