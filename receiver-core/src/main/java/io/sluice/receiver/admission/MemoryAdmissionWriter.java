// SPDX-License-Identifier: Apache-2.0
package io.sluice.receiver.admission;

import io.sluice.receiver.MultiTsdb;
import io.sluice.receiver.decode.WriteBatch;
import io.sluice.receiver.validate.LabelValidator;
import io.sluice.receiver.write.ErrorKind;
import io.sluice.receiver.write.SeriesKey;
import io.sluice.receiver.write.WriteOutcome;
import io.sluice.receiver.write.WriteRequest;
import io.sluice.receiver.write.Writer;
import io.sluice.tsdb.head.Head;
import io.sluice.tsdb.labels.XxHash64;
import java.util.Objects;

/**
 * The local writer behind a {@link MemoryAdmission}: every write into this process' TSDBs (remote
 * write, forwards from peers, the local share of a replicated request) passes here. At {@link
 * MemoryLevel#NORMAL} it passes the request on untouched — one volatile read per request. At {@link
 * MemoryLevel#KNOWN_SERIES_ONLY} it first looks every series of the request up (without creating
 * it) and passes the request on only if all exist. At {@link MemoryLevel#WRITES_REFUSED} it passes
 * nothing on.
 *
 * <p>A refused request writes <em>nothing</em> — no sample of its known series either — so an agent
 * that retries it neither loses nor duplicates anything; every series is marked {@link
 * ErrorKind#UNAVAILABLE} (HTTP 503, gRPC {@code Unavailable}; with replication, one unavailable
 * replica for the quorum) and the refusal is counted in the admission. Series that would be skipped
 * anyway (no float sample, invalid labels: a 409 of the writer) do not count as new.
 *
 * <p>Thread-safe; lookup scratch space is per thread.
 */
public final class MemoryAdmissionWriter implements Writer {
  /** How the message of every refusal for memory starts. */
  public static final String REFUSAL_PREFIX = "memory pressure: ";

  /** The error message of a request refused for its new series. */
  public static final String NEW_SERIES_REFUSED =
      REFUSAL_PREFIX + "the receiver accepts no new series until memory is freed";

  /** The error message of a request refused at {@link MemoryLevel#WRITES_REFUSED}. */
  public static final String WRITES_REFUSED =
      REFUSAL_PREFIX + "the receiver accepts no writes until memory is freed";

  private static final ThreadLocal<byte[]> KEY = ThreadLocal.withInitial(() -> new byte[1024]);

  private final Writer local;
  private final MultiTsdb tsdbs;
  private final MemoryAdmission admission;

  /**
   * @param local the writer into {@code tsdbs}
   * @param tsdbs where series are looked up
   * @param admission the level to apply
   */
  public MemoryAdmissionWriter(Writer local, MultiTsdb tsdbs, MemoryAdmission admission) {
    this.local = Objects.requireNonNull(local, "local");
    this.tsdbs = Objects.requireNonNull(tsdbs, "tsdbs");
    this.admission = Objects.requireNonNull(admission, "admission");
  }

  /**
   * Whether an error message is that of a refusal for memory, which {@link MemoryAdmission} logs
   * once per episode rather than once per request.
   */
  public static boolean isRefusal(String message) {
    return message != null && message.startsWith(REFUSAL_PREFIX);
  }

  @Override
  public void write(WriteRequest request, WriteOutcome outcome) {
    MemoryLevel level = admission.level();
    if (level == MemoryLevel.NORMAL
        || (level == MemoryLevel.KNOWN_SERIES_ONLY && !createsSeries(request))) {
      local.write(request, outcome);
      return;
    }
    admission.rejected(level);
    for (int i = 0, n = request.seriesCount(); i < n; i++) {
      outcome.seriesFailed(i, ErrorKind.UNAVAILABLE);
    }
    outcome.error(
        ErrorKind.UNAVAILABLE,
        level == MemoryLevel.WRITES_REFUSED ? WRITES_REFUSED : NEW_SERIES_REFUSED);
  }

  /** Whether writing {@code request} would create a series (or its tenant). */
  boolean createsSeries(WriteRequest request) {
    WriteBatch batch = request.batch();
    MultiTsdb.Tenant tenant = tsdbs.get(request.tenant());
    byte[] prefix = tenant == null ? null : tenant.hashPrefix();
    Head head = tenant == null ? null : tenant.head();
    for (int r = 0, n = request.seriesCount(); r < n; r++) {
      int s = request.series(r);
      int skip = request.skippedLabel(r);
      if (batch.sampleCount(s) == 0
          || LabelValidator.validate(batch, s, skip) != LabelValidator.LabelError.NONE) {
        continue;
      }
      if (head == null) {
        return true;
      }
      int need = SeriesKey.length(batch, s, prefix.length, skip);
      byte[] key = KEY.get();
      if (key.length < need) {
        key = new byte[Math.max(need, key.length * 2)];
        KEY.set(key);
      }
      int len = SeriesKey.write(batch, s, prefix, key, skip);
      long placed = request.hash(r);
      long hash = placed != 0 ? placed : XxHash64.hash(key, 0, len);
      if (head.ref(hash, key, prefix.length, len - prefix.length) == 0) {
        return true;
      }
    }
    return false;
  }
}
