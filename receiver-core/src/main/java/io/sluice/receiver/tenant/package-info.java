// SPDX-License-Identifier: Apache-2.0
/** Tenant names: validation of what arrives in the tenant header. */
package io.sluice.receiver.tenant;
