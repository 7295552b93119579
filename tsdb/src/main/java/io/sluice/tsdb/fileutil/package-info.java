// SPDX-License-Identifier: Apache-2.0
/**
 * File-system steps for crash safety, as Prometheus' {@code tsdb/fileutil}: {@link
 * io.sluice.tsdb.fileutil.FileUtil}.
 */
package io.sluice.tsdb.fileutil;
