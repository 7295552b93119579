// SPDX-License-Identifier: Apache-2.0
/** The write pipeline: decoding, validation, tenants and the local writer. */
package io.sluice.receiver;
