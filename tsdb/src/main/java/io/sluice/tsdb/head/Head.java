// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.head;

import io.sluice.tsdb.exemplar.CircularExemplarStorage;
import io.sluice.tsdb.exemplar.Exemplar;
import io.sluice.tsdb.exemplar.ExemplarResult;
import io.sluice.tsdb.labels.Labels;
import io.sluice.tsdb.labels.XxHash64;
import io.sluice.tsdb.query.Cancellation;
import io.sluice.tsdb.query.Querier;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BooleanSupplier;

/**
 * The in-memory head of one tenant's TSDB: series, postings and XOR chunks, with Prometheus 2.42's
 * append semantics and chunk cutting. Knows nothing of tenants, WAL or HTTP.
 *
 * <h2>Write path</h2>
 *
 * <p>Writes go through a {@link HeadAppender}, one transaction per request ({@link #appender()}, or
 * the database's, which logs to the WAL):
 *
 * <pre>{@code
 * long h = head.hash(key, off, len);            // or the receiver's placement hash
 * app.series(h, key, off, len);
 * AppendResult r = app.append(timestampMs, Double.doubleToRawLongBits(v));
 * }</pre>
 *
 * <p>{@code key} is a series key ({@link Labels}: {@code name 0xFF value 0xFF ...}, labels sorted).
 * Looking up a known series compares raw key bytes and allocates nothing; appending allocates
 * nothing except when a chunk array grows or a chunk is closed. The series themselves ({@link
 * MemSeries}) are this package's own: other code names a series by key or ref.
 *
 * <h2>Concurrency</h2>
 *
 * <p>Thread-safe. The series map by hash and key is split into {@value #STRIPES} stripes by the low
 * bits of the series hash, each a {@link SeriesHashmap} under its own monitor, and the map by ref
 * into {@code REF_STRIPES} {@link SeriesRefMap}s; appends lock only the series. A stripe is created
 * when its first series is, so that a head of a few series (a small tenant) costs the two arrays of
 * stripes (20 KB) and not thousands of empty tables. Concurrent appends to different series share
 * no lock. Series creation additionally takes the ref-map stripe and the postings write lock.
 * Queries see every series whose creation has completed, and each series' chunks as of the moment
 * they read it.
 *
 * <h2>Truncation</h2>
 *
 * <p>When a block has been cut from the head, {@link #setMinValidTime} makes older samples out of
 * bounds and {@link #truncate} drops the chunks before the cut and the series left empty. A {@link
 * HeadAppender} holds a writer's span around a request's lookups and appends, so that neither can
 * interleave with a series being removed or the minimum valid time being raised.
 */
public final class Head {
  static final int STRIPE_BITS = 12;
  static final int REF_STRIPE_BITS = 10;

  /** Number of series map stripes. */
  public static final int STRIPES = 1 << STRIPE_BITS;

  private static final int REF_STRIPES = 1 << REF_STRIPE_BITS;
  // Samples whose series are brought into the CPU cache together on replay (a few hundred KB).
  private static final int TOUCH_GROUP = 256;
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);
  private static final VarHandle STRIPE =
      MethodHandles.arrayElementVarHandle(SeriesHashmap[].class);
  private static final VarHandle REF_STRIPE =
      MethodHandles.arrayElementVarHandle(SeriesRefMap[].class);
  private static final VarHandle MIN_TIME;
  private static final VarHandle MAX_TIME;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      MIN_TIME = l.findVarHandle(Head.class, "minTime", long.class);
      MAX_TIME = l.findVarHandle(Head.class, "maxTime", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final HeadOptions options;
  private final byte[] hashPrefix;
  private final long halfChunkRange;
  private final int samplesPerChunk;
  private final long chunkRange;
  private final long tooFarInFuture;
  private final long oooTimeWindow;
  private final int oooCapMax;
  private final SeriesHashmap[] stripes = new SeriesHashmap[STRIPES];
  private final SeriesRefMap[] refStripes = new SeriesRefMap[REF_STRIPES];
  private final ConcurrentHashMap<String, String> symbols = new ConcurrentHashMap<>();
  private final Postings postings = new Postings();
  private final CircularExemplarStorage exemplars;
  private final AtomicLong lastRef = new AtomicLong();
  private final AtomicLong numSeries = new AtomicLong();
  // Readers: requests between lookup and append. Writer: raising minValidTime, removing series.
  private final StampedLock appendLock = new StampedLock();

  // Written (racily) so that replay's touching reads are not optimized away; never read.
  @SuppressWarnings("unused")
  private int touched;

  // Samples older than this are out of bounds: the end of the newest block cut from this head.
  private volatile long minValidTime = Long.MIN_VALUE;

  @SuppressWarnings("unused") // accessed through MIN_TIME
  private volatile long minTime = Long.MAX_VALUE;

  @SuppressWarnings("unused") // accessed through MAX_TIME
  private volatile long maxTime = Long.MIN_VALUE;

  /** Creates an empty head. */
  public Head(HeadOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.hashPrefix = options.hashPrefixUnsafe();
    this.chunkRange = options.chunkRangeMs();
    this.halfChunkRange = options.chunkRangeMs() / 2;
    this.samplesPerChunk = options.samplesPerChunk();
    this.tooFarInFuture = options.tooFarInFutureMs();
    this.oooTimeWindow = options.oooTimeWindowMs();
    this.oooCapMax = options.oooCapMax();
    this.exemplars = new CircularExemplarStorage(options.maxExemplars());
  }

  // The stripe of this hash, or null if no series of it was ever created.
  private SeriesHashmap stripe(long hash) {
    return (SeriesHashmap) STRIPE.getAcquire(stripes, (int) hash & (STRIPES - 1));
  }

  // The stripe of this hash, created if there is none yet.
  private SeriesHashmap stripeToCreateIn(long hash) {
    int i = (int) hash & (STRIPES - 1);
    SeriesHashmap s = (SeriesHashmap) STRIPE.getAcquire(stripes, i);
    if (s != null) {
      return s;
    }
    SeriesHashmap fresh = new SeriesHashmap();
    SeriesHashmap won = (SeriesHashmap) STRIPE.compareAndExchangeRelease(stripes, i, null, fresh);
    return won == null ? fresh : won;
  }

  private SeriesRefMap refStripe(long ref) {
    return (SeriesRefMap) REF_STRIPE.getAcquire(refStripes, (int) ref & (REF_STRIPES - 1));
  }

  private SeriesRefMap refStripeToCreateIn(long ref) {
    int i = (int) ref & (REF_STRIPES - 1);
    SeriesRefMap s = (SeriesRefMap) REF_STRIPE.getAcquire(refStripes, i);
    if (s != null) {
      return s;
    }
    SeriesRefMap fresh = new SeriesRefMap();
    SeriesRefMap won =
        (SeriesRefMap) REF_STRIPE.compareAndExchangeRelease(refStripes, i, null, fresh);
    return won == null ? fresh : won;
  }

  /** The options this head was created with. */
  public HeadOptions options() {
    return options;
  }

  /**
   * xxHash64 of the hash prefix followed by {@code key[off, off+len)}: the hash {@link
   * #getOrCreate} expects. Uses a per-thread scratch array; allocates only when it must grow.
   */
  public long hash(byte[] key, int off, int len) {
    Objects.checkFromIndexSize(off, len, key.length);
    byte[] prefix = hashPrefix;
    if (prefix.length == 0) {
      return XxHash64.hash(key, off, len);
    }
    int need = prefix.length + len;
    byte[] scratch = SCRATCH.get();
    if (scratch.length < need) {
      scratch = new byte[Math.max(need, scratch.length * 2)];
      SCRATCH.set(scratch);
    }
    System.arraycopy(prefix, 0, scratch, 0, prefix.length);
    System.arraycopy(key, off, scratch, prefix.length, len);
    return XxHash64.hash(scratch, 0, need);
  }

  /**
   * Returns the series with this key, creating it if needed. Exactly one series is created per key
   * even when many threads ask at once. A known series is found without allocating.
   *
   * @param hash {@link #hash}{@code (key, off, len)}, typically computed once by the receiver; two
   *     keys with the same hash are kept apart by comparing key bytes
   * @param key a series key (see {@link Labels}); copied on creation, not retained
   * @throws IllegalArgumentException if a new key is malformed (see {@link Labels#fromKey})
   * @throws IllegalStateException if the head has handed out its highest ref, 2<sup>31</sup>−1
   */
  MemSeries getOrCreate(long hash, byte[] key, int off, int len) {
    Objects.checkFromIndexSize(off, len, key.length);
    SeriesHashmap stripe = stripeToCreateIn(hash);
    synchronized (stripe) {
      MemSeries s = stripe.get(hash, key, off, len);
      if (s != null) {
        return s;
      }
    }
    // Parse and intern outside the stripe lock; only the winner below gets a ref.
    return create(stripe, hash, key, off, len, 0);
  }

  /**
   * Returns the series with this key, or null if the head has none: {@link #getOrCreate} without
   * creating. Allocation-free. A series being created by another thread at the same moment may or
   * may not be seen.
   *
   * @param hash {@link #hash}{@code (key, off, len)}
   * @param key a series key (see {@link Labels})
   */
  MemSeries get(long hash, byte[] key, int off, int len) {
    Objects.checkFromIndexSize(off, len, key.length);
    SeriesHashmap stripe = stripe(hash);
    if (stripe == null) {
      return null;
    }
    synchronized (stripe) {
      return stripe.get(hash, key, off, len);
    }
  }

  /**
   * Brings into the CPU caches what looking up and appending to the series of these hashes will
   * read — the stripe's slot, the series, its key and its open chunk — for a group of series about
   * to be passed to {@link #getOrCreate}, one after the other. A lookup is a chain of dependent
   * reads, each almost never in a cache when a head holds many series; reading the slots of the
   * whole group in one tight loop, then their series, lets the group's cache misses overlap instead
   * of following one another (as {@link #appendReplayed(MemSeries[], long[], long[], int, long[])}
   * does on replay).
   *
   * <p>Reads without locks; what it reads may be stale and only warms caches. Allocation-free.
   *
   * @param hashes the {@link #hash}es of the group's keys, {@code [0, n)}
   * @param scratch at least {@code n} entries, overwritten and left cleared
   * @return a value that means nothing; add it to a field so that the reads are not optimised away
   */
  int prefetch(long[] hashes, int n, MemSeries[] scratch) {
    for (int i = 0; i < n; i++) {
      SeriesHashmap stripe = stripe(hashes[i]);
      scratch[i] = stripe == null ? null : stripe.firstInSlot(hashes[i]);
    }
    int sink = 0;
    for (int i = 0; i < n; i++) {
      MemSeries s = scratch[i];
      if (s != null) {
        sink += s.touch() + s.touchKey() + s.touchChunk();
        scratch[i] = null;
      }
    }
    return sink;
  }

  /**
   * Replay only: returns the series with this key, creating it with the given {@code ref} if it
   * does not exist yet, as Prometheus' {@code getOrCreateWithID}. The head's next new ref is then
   * above every ref created so far, so refs stay stable across restarts. The caller compares the
   * returned series' ref with {@code ref}: a series that already existed under another ref is
   * returned unchanged (the caller maps the WAL's ref to it).
   *
   * <p>Thread-safe, but meant for the single thread that applies series records in WAL order.
   *
   * @param ref the series ref from the WAL, positive
   * @param key a series key (see {@link Labels}); copied on creation, not retained
   * @throws IllegalArgumentException if {@code ref} is not positive, the key is malformed, or
   *     another series already has this ref
   * @throws IllegalStateException if {@code ref} is above 2<sup>31</sup>−1, the highest ref a head
   *     holds (its postings keep refs in four bytes)
   */
  MemSeries getOrCreateWithRef(long ref, byte[] key, int off, int len) {
    if (ref <= 0) {
      throw new IllegalArgumentException("series ref must be positive: " + ref);
    }
    Objects.checkFromIndexSize(off, len, key.length);
    long hash = hash(key, off, len);
    SeriesHashmap stripe = stripeToCreateIn(hash);
    synchronized (stripe) {
      MemSeries s = stripe.get(hash, key, off, len);
      if (s != null) {
        return s;
      }
    }
    MemSeries other = getByRef(ref);
    if (other != null) {
      throw new IllegalArgumentException(
          "series ref " + ref + " already belongs to " + other.labels());
    }
    return create(stripe, hash, key, off, len, ref);
  }

  // ref 0: take the next ref; otherwise use ref and keep lastRef at or above it.
  private MemSeries create(
      SeriesHashmap stripe, long hash, byte[] key, int off, int len, long ref) {
    Labels labels = Labels.fromKey(key, off, len, this::intern);
    byte[] ownKey = Arrays.copyOfRange(key, off, off + len);
    MemSeries created;
    synchronized (stripe) {
      MemSeries s = stripe.get(hash, key, off, len);
      if (s != null) {
        return s;
      }
      long r;
      if (ref == 0) {
        r = lastRef.incrementAndGet();
        Postings.checkRef(r);
      } else {
        r = ref;
        Postings.checkRef(r);
        lastRef.accumulateAndGet(ref, Math::max);
      }
      created = new MemSeries(r, hash, ownKey);
      stripe.put(created);
    }
    SeriesRefMap refStripe = refStripeToCreateIn(created.ref());
    synchronized (refStripe) {
      refStripe.put(created);
    }
    postings.add(created.ref(), labels);
    numSeries.incrementAndGet();
    return created;
  }

  /** The series with this ref, or null. */
  MemSeries getByRef(long ref) {
    SeriesRefMap refStripe = refStripe(ref);
    if (refStripe == null) {
      return null;
    }
    synchronized (refStripe) {
      return refStripe.get(ref);
    }
  }

  /**
   * The ref of the series with this key, or 0 if the head has none. Allocation-free; does not
   * create the series.
   *
   * @param hash {@link #hash}{@code (key, off, len)}
   * @param key a series key (see {@link Labels})
   */
  public long ref(long hash, byte[] key, int off, int len) {
    MemSeries s = get(hash, key, off, len);
    return s == null ? 0 : s.ref();
  }

  /** Whether the head holds a series with this ref (created and not removed by truncation). */
  public boolean hasSeries(long ref) {
    return getByRef(ref) != null;
  }

  /**
   * Replay only: applies one entry of a WAL series record, as Prometheus' {@code
   * getOrCreateWithID}: creates the series with {@code ref} unless the head holds one with this key
   * already, and marks it logged (its series record is in the WAL). The head's next new ref is then
   * above every ref created so far, so refs stay stable across restarts.
   *
   * <p>Meant for the single thread that applies series records in WAL order.
   *
   * @param ref the series ref from the WAL, positive
   * @param key a series key (see {@link Labels}); copied on creation, not retained
   * @return the ref of the series holding the key: {@code ref}, or the ref of a series logged
   *     earlier with the same labels, to which the caller maps {@code ref}'s samples
   * @throws IllegalArgumentException if {@code ref} is not positive, the key is malformed, or
   *     another series already has this ref
   * @throws IllegalStateException if {@code ref} is above 2<sup>31</sup>−1, the highest ref a head
   *     holds (its postings keep refs in four bytes)
   */
  public long replaySeries(long ref, byte[] key, int off, int len) {
    MemSeries s = getOrCreateWithRef(ref, key, off, len);
    s.markWalLogged();
    return s.ref();
  }

  /**
   * Replay only: an appender of replayed samples for the refs {@code r} with {@code r % stride ==
   * index}, one per replay worker (see {@link ReplayAppender}).
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < stride}
   */
  public ReplayAppender replayAppender(int index, int stride) {
    return new ReplayAppender(this, index, stride);
  }

  /**
   * The head's exemplars ({@link HeadOptions#maxExemplars()} of them at most), appended through
   * {@link HeadAppender#appendExemplar} and read by queries. Thread-safe.
   */
  public CircularExemplarStorage exemplars() {
    return exemplars;
  }

  /**
   * Replay only: stores an exemplar read from the WAL, as Prometheus' replay does: dropped when the
   * head has no series with this ref or the exemplar is older than {@link #minValidTime()}; the
   * replayed exemplar has no timestamp of its own ({@link Exemplar#hasTimestamp()}).
   *
   * @return what the exemplar storage answered, or null when the series is unknown
   */
  public ExemplarResult replayExemplar(long ref, long t, long valueBits, Labels labels) {
    MemSeries s = getByRef(ref);
    if (s == null) {
      return null;
    }
    if (t < minValidTime) {
      return ExemplarResult.OK;
    }
    return exemplars.add(s.key(), new Exemplar(labels, valueBits, t, false));
  }

  private String intern(String s) {
    String prev = symbols.putIfAbsent(s, s);
    return prev == null ? s : prev;
  }

  /**
   * Appends one float sample to a series of this head as a transaction of its own: {@link
   * #appender()}, {@link HeadAppender#append}, {@link HeadAppender#commit()}. A request of many
   * samples uses one {@link HeadAppender} instead, so that its bounds do not move while it appends.
   *
   * @param s a series returned by this head's {@link #getOrCreate}
   * @param timestampMs sample time in ms
   * @param valueBits raw IEEE-754 bits ({@link Double#doubleToRawLongBits}); stored bit-exactly
   */
  AppendResult append(MemSeries s, long timestampMs, long valueBits) {
    long headMax = maxTime;
    if (headMax == Long.MIN_VALUE) {
      headMax = timestampMs; // Prometheus' initTime: an empty head starts at its first sample
    }
    long floor = minValidTime;
    AppendResult r =
        append(
            s,
            timestampMs,
            valueBits,
            floor,
            Math.max(floor, minValidTime(headMax)),
            oooMinTime(headMax));
    if (r == AppendResult.OK) {
      raiseMaxTime(timestampMs);
    }
    return r;
  }

  /**
   * Starts a request's transaction on this head without a WAL: {@link #appender(
   * HeadAppender.RecordLog)} with nothing to log to (no record is encoded). For a head that is part
   * of a database, use the database's appender, which logs.
   *
   * @return the transaction; the caller closes it, in a {@code finally} block
   */
  public HeadAppender appender() {
    return HeadAppender.begin(this, null);
  }

  /**
   * Starts a request's transaction on this head, as Prometheus' {@code headAppender}: the bounds a
   * sample is checked against are fixed now, from the head's max time as published by the
   * transactions ended so far, and this transaction's own samples publish the new max time only
   * when it ends. So a request holding hours of samples per series, oldest first, is taken whole:
   * its first series does not push its other series' older samples out of bounds. Also starts the
   * writer's span ({@link #beginAppend()}), so lookups and appends through the appender cannot
   * interleave with head truncation; the end of the transaction ends it. At {@link
   * HeadAppender#commit()} the transaction's series and samples records go to {@code log}.
   *
   * <p>On an empty head the bounds are fixed at the first sample, as Prometheus' {@code
   * initAppender} does. Allocation-free: the calling thread's appender is reused.
   *
   * @param log where the records go at commit, typically the database's WAL
   * @return the transaction; the caller commits it and closes it, in a {@code finally} block
   */
  public HeadAppender appender(HeadAppender.RecordLog log) {
    return HeadAppender.begin(this, Objects.requireNonNull(log, "log"));
  }

  /** Called by a {@link HeadAppender} when it is created or sees its first sample. */
  void initBounds(HeadAppender a, long firstSampleMs) {
    long headMax = maxTime;
    if (headMax == Long.MIN_VALUE) {
      if (firstSampleMs == Long.MIN_VALUE) {
        return; // empty head: fixed at the first sample
      }
      MAX_TIME.compareAndSet(this, Long.MIN_VALUE, firstSampleMs);
      headMax = maxTime;
    }
    long floor = minValidTime;
    a.setBounds(floor, Math.max(floor, minValidTime(headMax)), oooMinTime(headMax));
  }

  /** Called when a {@link HeadAppender} ends: publishes the transaction's newest sample time. */
  void commitMaxTime(long t) {
    raiseMaxTime(t);
  }

  /**
   * Prometheus' checks in Prometheus' order. With the out-of-order window disabled (0): out of
   * bounds (older than {@code minValid}: max(the newest cut block's end, head maxTime −
   * chunkRange/2)), too far in the future (when enabled), then per series duplicate / out of order.
   * With a window W &gt; 0 ({@code memSeries.appendable}): too far in the future, then per series:
   * newer than the series' newest sample (and not out of bounds) is appended in order, the same
   * time is a duplicate or an idempotent OK, and an older sample that is not older than head
   * maxTime − W goes to the series' out-of-order buffer (same time there: duplicate or idempotent
   * OK); an older one is {@link AppendResult#TOO_OLD}. Allocates nothing except when a chunk or the
   * out-of-order buffer grows or a chunk is closed. Does not raise the head's max time.
   */
  AppendResult append(
      MemSeries s, long timestampMs, long valueBits, long floor, long minValid, long oooMin) {
    if (timestampMs < floor) {
      return AppendResult.OUT_OF_BOUNDS;
    }
    boolean ooo = oooTimeWindow > 0;
    if (!ooo && timestampMs < minValid) {
      return AppendResult.OUT_OF_BOUNDS;
    }
    if (tooFarInFuture > 0) {
      long now = options.clock().millis();
      long limit = now > Long.MAX_VALUE - tooFarInFuture ? Long.MAX_VALUE : now + tooFarInFuture;
      if (timestampMs > limit) {
        return AppendResult.TOO_FAR_IN_FUTURE;
      }
    }
    AppendResult r =
        s.append(timestampMs, valueBits, samplesPerChunk, chunkRange, minValid, ooo, oooMin);
    if (r == AppendResult.OK) {
      lowerMinTime(timestampMs);
    }
    return r;
  }

  /**
   * Appends a native histogram ({@link io.sluice.tsdb.record.Histogram} or {@link
   * io.sluice.tsdb.record.FloatHistogram}, already validated) with Prometheus 2.42's checks: out of
   * bounds below {@code minValid} (also with the out-of-order window on, as histograms are never
   * out of order), then per series out of order / duplicate. There is no future check for
   * histograms, as in Thanos. Does not raise the head's max time.
   */
  AppendResult appendHistogram(MemSeries s, long timestampMs, Object h, long floor, long minValid) {
    if (timestampMs < floor || timestampMs < minValid) {
      return AppendResult.OUT_OF_BOUNDS;
    }
    AppendResult r = s.appendHistogram(timestampMs, h, samplesPerChunk, chunkRange, minValid);
    if (r == AppendResult.OK) {
      lowerMinTime(timestampMs);
    }
    return r;
  }

  /**
   * Replay only: {@link #appendHistogram} of a histogram read from the WAL, without the head-wide
   * bounds; one older than {@link #minValidTime()} is skipped with OUT_OF_BOUNDS (already in a
   * block).
   */
  AppendResult appendReplayedHistogram(MemSeries s, long timestampMs, Object h) {
    if (timestampMs < minValidTime) {
      return AppendResult.OUT_OF_BOUNDS;
    }
    AppendResult r = s.appendHistogram(timestampMs, h, samplesPerChunk, chunkRange, Long.MIN_VALUE);
    if (r == AppendResult.OK) {
      raiseMaxTime(timestampMs);
      lowerMinTime(timestampMs);
    }
    return r;
  }

  private long oooMinTime(long headMax) {
    return headMax < Long.MIN_VALUE + oooTimeWindow ? Long.MIN_VALUE : headMax - oooTimeWindow;
  }

  /**
   * Replay only: appends a sample read from the WAL without the head-wide out-of-bounds and future
   * checks (the sample was accepted when it was logged). A sample older than its series' newest
   * goes to the series' out-of-order buffer whatever the window: the WAL holds out-of-order samples
   * accepted within the window, and concurrent requests for one series may have reached the WAL in
   * another order than memory; both must survive a restart.
   *
   * <p>A sample older than {@link #minValidTime()} is skipped with OUT_OF_BOUNDS: it is already in
   * a block, and the WAL still holds it only because the WAL is truncated after the block is cut.
   *
   * @return OK, DUPLICATE_SAMPLE or OUT_OF_BOUNDS
   */
  AppendResult appendReplayed(MemSeries s, long timestampMs, long valueBits) {
    if (timestampMs < minValidTime) {
      return AppendResult.OUT_OF_BOUNDS;
    }
    AppendResult r =
        s.append(
            timestampMs,
            valueBits,
            samplesPerChunk,
            chunkRange,
            Long.MIN_VALUE,
            true,
            Long.MIN_VALUE);
    if (r == AppendResult.OK) {
      raiseMaxTime(timestampMs);
      lowerMinTime(timestampMs);
    }
    return r;
  }

  /**
   * Replay only: {@link #appendReplayed(MemSeries, long, long)} of the samples {@code [0, n)} of
   * the arrays, in order. A null series counts as failed. Adds the number of OK samples to {@code
   * counts[0]} and of failed ones (a null series, or any result but OK and OUT_OF_BOUNDS) to {@code
   * counts[1]}.
   *
   * <p>Replay spends its time waiting for memory: the samples of a WAL record belong to different
   * series, each almost never in a CPU cache. So samples are taken in groups: the group's series
   * are read first in a tight loop, then their open chunks, so that the cache misses of a group
   * overlap instead of following one another, and only then appended to.
   */
  void appendReplayed(MemSeries[] series, long[] ts, long[] vs, int n, long[] counts) {
    long ok = 0;
    long failed = 0;
    int sink = 0;
    for (int from = 0; from < n; from += TOUCH_GROUP) {
      int to = Math.min(n, from + TOUCH_GROUP);
      for (int i = from; i < to; i++) {
        MemSeries s = series[i];
        if (s != null) {
          sink += s.touch();
        }
      }
      for (int i = from; i < to; i++) {
        MemSeries s = series[i];
        if (s != null) {
          sink += s.touchChunk();
        }
      }
      for (int i = from; i < to; i++) {
        MemSeries s = series[i];
        if (s == null) {
          failed++;
          continue;
        }
        AppendResult r = appendReplayed(s, ts[i], vs[i]);
        if (r == AppendResult.OK) {
          ok++;
        } else if (r != AppendResult.OUT_OF_BOUNDS) {
          failed++;
        }
      }
    }
    touched += sink;
    counts[0] += ok;
    counts[1] += failed;
  }

  /**
   * Starts a writer's span of lookups ({@link #getOrCreate}) and appends; pass the result to {@link
   * #endAppend}. Spans of many writers run concurrently; only {@link #setMinValidTime} and the
   * removal step of {@link #truncate} wait for them. Not reentrant.
   */
  long beginAppend() {
    return appendLock.readLock();
  }

  /** Ends a span started by {@link #beginAppend()}. */
  void endAppend(long stamp) {
    appendLock.unlockRead(stamp);
  }

  /**
   * The oldest sample time this head accepts, in ms: the end (exclusive) of the newest block cut
   * from it, or {@link Long#MIN_VALUE}.
   */
  public long minValidTime() {
    return minValidTime;
  }

  /**
   * Raises {@link #minValidTime()} to {@code t} (never lowers it). Waits for the writers' spans in
   * progress, so every append that starts afterwards sees the new bound and none that could still
   * add a sample below it is running: a block of [.., t) cut after this call misses no sample.
   */
  public void setMinValidTime(long t) {
    long stamp = appendLock.writeLock();
    try {
      if (t > minValidTime) {
        minValidTime = t;
      }
    } finally {
      appendLock.unlockWrite(stamp);
    }
  }

  /**
   * Drops every chunk and out-of-order sample that lies entirely before {@code mint}, then removes
   * the series left without samples from the series maps and postings, as Prometheus' head
   * truncation and series GC. Their refs are not reused. Also raises {@link #minValidTime()} and
   * the head's min time to {@code mint}. Chunks are trimmed series by series under each series'
   * lock, concurrently with appends; the removal of empty series waits for the writers' spans.
   *
   * <p>Chunks never straddle {@code mint} when it is a multiple of the chunk range, as block
   * boundaries are; otherwise a chunk that holds samples on both sides is kept whole.
   *
   * @return the refs of the series removed, ascending
   */
  public long[] truncate(long mint) {
    setMinValidTime(mint);
    List<MemSeries> empty = new ArrayList<>();
    for (int i = 0; i < REF_STRIPES; i++) {
      SeriesRefMap stripe = (SeriesRefMap) REF_STRIPE.getAcquire(refStripes, i);
      if (stripe == null) {
        continue;
      }
      for (MemSeries s : stripe.snapshot()) {
        if (s.truncateBefore(mint)) {
          empty.add(s);
        }
      }
    }
    long cur;
    while ((cur = (long) MIN_TIME.getVolatile(this)) < mint
        && !MIN_TIME.compareAndSet(this, cur, mint)) {
      // retry
    }
    if (empty.isEmpty()) {
      return new long[0];
    }
    long[] removed = new long[empty.size()];
    int n = 0;
    long stamp = appendLock.writeLock();
    try {
      for (MemSeries s : empty) {
        if (!s.markRemovedIfEmpty()) {
          continue;
        }
        SeriesHashmap stripe = stripe(s.hash()); // exists: s was created in it
        synchronized (stripe) {
          stripe.remove(s);
        }
        SeriesRefMap refStripe = refStripe(s.ref());
        synchronized (refStripe) {
          refStripe.remove(s);
        }
        removed[n++] = s.ref();
      }
    } finally {
      appendLock.unlockWrite(stamp);
    }
    long[] refs = Arrays.copyOf(removed, n);
    Arrays.sort(refs);
    postings.removeAll(refs);
    numSeries.addAndGet(-n);
    retainSymbols();
    return refs;
  }

  // Forgets interned strings no live series uses any more.
  private void retainSymbols() {
    Set<String> live = new HashSet<>();
    for (String name : postings.names()) {
      live.add(name);
      live.addAll(postings.values(name));
    }
    symbols.keySet().retainAll(live);
  }

  /** Samples per chunk the head encodes from out-of-order data (for the querier). */
  int oooCapMax() {
    return oooCapMax;
  }

  /** The highest series ref handed out so far (0 when the head has no series). */
  public long lastRef() {
    return lastRef.get();
  }

  private long minValidTime(long headMax) {
    return headMax < Long.MIN_VALUE + halfChunkRange ? Long.MIN_VALUE : headMax - halfChunkRange;
  }

  private void raiseMaxTime(long t) {
    long cur;
    while (t > (cur = (long) MAX_TIME.getVolatile(this))) {
      if (MAX_TIME.compareAndSet(this, cur, t)) {
        return;
      }
    }
  }

  private void lowerMinTime(long t) {
    long cur;
    while (t < (cur = (long) MIN_TIME.getVolatile(this))) {
      if (MIN_TIME.compareAndSet(this, cur, t)) {
        return;
      }
    }
  }

  /** Number of series in the head: created and not yet removed by {@link #truncate}. */
  public long numSeries() {
    return numSeries.get();
  }

  /** Earliest sample time in ms, or {@link Long#MAX_VALUE} when the head has no samples. */
  public long minTime() {
    return minTime;
  }

  /** Latest sample time in ms, or {@link Long#MIN_VALUE} when the head has no samples. */
  public long maxTime() {
    return maxTime;
  }

  /** A querier over this head's live data. Closing it is a no-op; it holds nothing. */
  public Querier querier() {
    return querier(Cancellation.NEVER);
  }

  /**
   * A querier over this head's live data whose calls poll {@code cancelled} while they work and
   * throw {@link java.util.concurrent.CancellationException} once it is set. Closing it is a no-op.
   */
  public Querier querier(BooleanSupplier cancelled) {
    return new HeadQuerier(this, Objects.requireNonNull(cancelled, "cancelled"));
  }

  Postings postings() {
    return postings;
  }
}
