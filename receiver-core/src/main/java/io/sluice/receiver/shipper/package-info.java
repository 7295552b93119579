// SPDX-License-Identifier: Apache-2.0
/**
 * The shipper: uploads a tenant's level-1 blocks to a bucket as Thanos receive does (reference:
 * thanos-receive.md §7). {@link io.sluice.receiver.shipper.Shipper} runs one pass at a time; {@link
 * io.sluice.receiver.shipper.ShipperState} is its record of uploaded blocks ({@code
 * thanos.shipper.json}); {@link io.sluice.receiver.shipper.ShipperListener} reports what happened,
 * so that metrics stay in the server module.
 */
package io.sluice.receiver.shipper;
