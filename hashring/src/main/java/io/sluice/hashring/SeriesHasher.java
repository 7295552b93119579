// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring;

import io.sluice.receiver.decode.WriteBatch;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.Utf8;
import io.sluice.tsdb.labels.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The series hash Thanos places series by ({@code labelpb.HashWithPrefix}): XXH64 with seed 0 of
 *
 * <pre>
 * UTF-8(tenant) 0xFF *( UTF-8(name) 0xFF UTF-8(value) 0xFF )
 * </pre>
 *
 * with the labels in the order the request sent them, not sorted (so {@code {a, b}} and {@code {b,
 * a}} hash differently). Read the result as unsigned.
 *
 * <p>An instance hashes series of a {@link WriteBatch} by copying their label bytes into a scratch
 * buffer it keeps, so it allocates nothing once the buffer has grown to the longest series. It is
 * not thread-safe: use one per decoding thread. The static methods allocate and are for tests and
 * configuration.
 */
public final class SeriesHasher {
  private static final byte SEP = Labels.KEY_SEPARATOR;

  private byte[] scratch = new byte[512];
  private byte[] lastTenant;
  private int tenantLength;

  /** Creates a hasher with an empty scratch buffer. */
  public SeriesHasher() {}

  /** {@return the UTF-8 form of a tenant, to pass to {@link #hash(byte[], WriteBatch, int)}} */
  public static byte[] tenantBytes(String tenant) {
    return tenant.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Hashes a series of a batch.
   *
   * @param tenant the tenant's UTF-8 bytes; not modified. Passing the same array for consecutive
   *     series saves copying it again, so callers should keep one array per tenant
   * @param batch the decoded request
   * @param series the series index in the batch
   * @return the series hash
   */
  public long hash(byte[] tenant, WriteBatch batch, int series) {
    return hash(tenant, batch, series, -1);
  }

  /**
   * Hashes a series of a batch without one of its labels, as Thanos does with {@code
   * --receive.split-tenant-label-name} (the tenant label is removed before hashing).
   *
   * @param tenant the tenant's UTF-8 bytes; see {@link #hash(byte[], WriteBatch, int)}
   * @param batch the decoded request
   * @param series the series index in the batch
   * @param skippedLabel the index of the label to leave out, or -1 for none
   * @return the series hash
   */
  public long hash(byte[] tenant, WriteBatch batch, int series, int skippedLabel) {
    if (tenant != lastTenant) {
      ensure(tenant.length + 1);
      System.arraycopy(tenant, 0, scratch, 0, tenant.length);
      scratch[tenant.length] = SEP;
      lastTenant = tenant;
      tenantLength = tenant.length + 1;
    }
    byte[] buf = batch.buffer();
    int pos = tenantLength;
    int labels = batch.labelCount(series);
    for (int i = 0; i < labels; i++) {
      if (i == skippedLabel) {
        continue;
      }
      int nameLen = batch.labelNameLength(series, i);
      int valueLen = batch.labelValueLength(series, i);
      int need = pos + nameLen + valueLen + 2;
      if (need > scratch.length) {
        ensure(need);
      }
      System.arraycopy(buf, batch.labelNameOffset(series, i), scratch, pos, nameLen);
      pos += nameLen;
      scratch[pos++] = SEP;
      System.arraycopy(buf, batch.labelValueOffset(series, i), scratch, pos, valueLen);
      pos += valueLen;
      scratch[pos++] = SEP;
    }
    return XxHash64.hash(scratch, 0, pos);
  }

  private void ensure(int capacity) {
    if (capacity > scratch.length) {
      scratch = Arrays.copyOf(scratch, Math.max(capacity, 2 * scratch.length));
    }
  }

  /**
   * Hashes a series given as alternating label names and values, in request order.
   *
   * @throws IllegalArgumentException if the number of strings is odd
   */
  public static long hashOf(String tenant, String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException(
          "odd number of name/value strings: " + nameValuePairs.length);
    }
    byte[] key = new byte[keyLength(tenant, nameValuePairs)];
    int pos = Utf8.encode(tenant, key, 0);
    key[pos++] = SEP;
    for (String s : nameValuePairs) {
      pos = Utf8.encode(s, key, pos);
      key[pos++] = SEP;
    }
    return XxHash64.hash(key, 0, pos);
  }

  /** {@return the hash of a series given as label pairs in request order} */
  public static long hashOf(String tenant, List<? extends Map.Entry<String, String>> labels) {
    String[] nv = new String[2 * labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      nv[2 * i] = labels.get(i).getKey();
      nv[2 * i + 1] = labels.get(i).getValue();
    }
    return hashOf(tenant, nv);
  }

  /** {@return the hash of a sorted label set, e.g. after relabelling} */
  public static long hashOf(String tenant, Labels labels) {
    String[] nv = new String[2 * labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      nv[2 * i] = labels.name(i);
      nv[2 * i + 1] = labels.value(i);
    }
    return hashOf(tenant, nv);
  }

  private static int keyLength(String tenant, String[] strings) {
    int n = Utf8.encodedLength(tenant) + 1;
    for (String s : strings) {
      n += Utf8.encodedLength(s) + 1;
    }
    return n;
  }
}
