// SPDX-License-Identifier: Apache-2.0
/**
 * The gRPC listener on {@code --grpc-address}: {@code thanos.Store}, {@code thanos.info.Info} and
 * {@code grpc.health.v1.Health}, with the server settings Go queriers need and the {@code
 * grpc_server_*} metrics of go-grpc-prometheus. The answers themselves come from {@link
 * io.sluice.receiver.store.MultiTenantStore}; this package moves messages, honours flow control and
 * cancellation, and maps exceptions to status codes.
 */
package io.sluice.server.grpc;
