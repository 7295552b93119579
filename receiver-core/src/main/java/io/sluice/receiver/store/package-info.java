// SPDX-License-Identifier: Apache-2.0
/**
 * The Thanos StoreAPI over all tenants, without the transport: {@link
 * io.sluice.receiver.store.MultiTenantStore} answers {@code thanos.Store/Series}, {@code
 * LabelNames}, {@code LabelValues} and {@code thanos.info.Info/Info} with the generated protobuf
 * messages, as {@code thanos receive} does (reference: thanos-receive.md §9.3–9.4). The gRPC
 * service classes in the server module only move these messages and map exceptions to status codes.
 */
package io.sluice.receiver.store;
