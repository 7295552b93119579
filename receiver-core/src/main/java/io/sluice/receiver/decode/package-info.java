// SPDX-License-Identifier: Apache-2.0
/**
 * Remote-write request decoding: version negotiation, snappy block decompression and a hand-written
 * protobuf walker that turns a request body into a flat, reusable {@link
 * io.sluice.receiver.decode.WriteBatch} view without per-series or per-sample allocation.
 *
 * <p>The wire formats are described in {@link io.sluice.receiver.decode.RemoteWriteFormat}.
 */
package io.sluice.receiver.decode;
