// SPDX-License-Identifier: Apache-2.0
/** Per-series validation of decoded requests, with Thanos receive's rules and wording. */
package io.sluice.receiver.validate;
