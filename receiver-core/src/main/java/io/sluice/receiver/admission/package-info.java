// SPDX-License-Identifier: Apache-2.0
/**
 * Admission of writes under memory pressure (Sluice only): {@link
 * io.sluice.receiver.admission.MemoryAdmission} decides from the live heap whether writes are
 * accepted, accepted only for series that exist, or refused; {@link
 * io.sluice.receiver.admission.BodyBudget} bounds the request bodies held at once; {@link
 * io.sluice.receiver.admission.MemoryAdmissionWriter} applies the decision to every local write.
 * Refused writes are retryable (HTTP 503, gRPC {@code Unavailable}) and write nothing.
 */
package io.sluice.receiver.admission;
