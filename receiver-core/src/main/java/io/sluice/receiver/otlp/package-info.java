// SPDX-License-Identifier: Apache-2.0
/**
 * OTLP metrics ingestion ({@code /api/v1/otlp}): {@link io.sluice.receiver.otlp.OtlpRequestDecoder}
 * decodes an OTLP/HTTP body (protobuf or JSON, gzip or none), {@link
 * io.sluice.receiver.otlp.OtlpTranslator} turns it into a remote-write 1.0 request body the way
 * Thanos' copy of Prometheus' OTLP translator does, which then takes the remote-write path
 * unchanged (decoding, limits, relabelling, replication, storage).
 */
package io.sluice.receiver.otlp;
