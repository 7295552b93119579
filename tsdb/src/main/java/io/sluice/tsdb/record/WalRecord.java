// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.record;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A decoded WAL record, one variant per {@link RecordType}: the closed set Prometheus 2.42 writes,
 * plus {@link Unknown} for type bytes it does not know. Produced by {@link RecordDecoder#decode};
 * convenient for tools, tests and checkpoints. The write and replay hot paths use {@link
 * RecordEncoder} and the streaming methods of {@link RecordDecoder} instead.
 */
public sealed interface WalRecord {
  /** The record's type. */
  RecordType type();

  /**
   * A series record.
   *
   * @param series the series, in record order
   */
  record Series(List<RefSeries> series) implements WalRecord {
    /** Copies the list. */
    public Series {
      series = List.copyOf(series);
    }

    @Override
    public RecordType type() {
      return RecordType.SERIES;
    }
  }

  /**
   * A samples record.
   *
   * @param samples the samples, in record order
   */
  record Samples(List<RefSample> samples) implements WalRecord {
    /** Copies the list. */
    public Samples {
      samples = List.copyOf(samples);
    }

    @Override
    public RecordType type() {
      return RecordType.SAMPLES;
    }
  }

  /**
   * A tombstones record.
   *
   * @param tombstones the intervals, in record order
   */
  record Tombstones(List<Tombstone> tombstones) implements WalRecord {
    /** Copies the list. */
    public Tombstones {
      tombstones = List.copyOf(tombstones);
    }

    @Override
    public RecordType type() {
      return RecordType.TOMBSTONES;
    }
  }

  /**
   * An exemplars record.
   *
   * @param exemplars the exemplars, in record order
   */
  record Exemplars(List<RefExemplar> exemplars) implements WalRecord {
    /** Copies the list. */
    public Exemplars {
      exemplars = List.copyOf(exemplars);
    }

    @Override
    public RecordType type() {
      return RecordType.EXEMPLARS;
    }
  }

  /**
   * An m-map markers record (out-of-order write-behind log).
   *
   * @param markers the markers, in record order
   */
  record MmapMarkers(List<RefMmapMarker> markers) implements WalRecord {
    /** Copies the list. */
    public MmapMarkers {
      markers = List.copyOf(markers);
    }

    @Override
    public RecordType type() {
      return RecordType.MMAP_MARKERS;
    }
  }

  /**
   * A metadata record.
   *
   * @param metadata the entries, in record order
   */
  record Metadata(List<RefMetadata> metadata) implements WalRecord {
    /** Copies the list. */
    public Metadata {
      metadata = List.copyOf(metadata);
    }

    @Override
    public RecordType type() {
      return RecordType.METADATA;
    }
  }

  /**
   * An integer native histogram samples record.
   *
   * @param histograms the samples, in record order
   */
  record HistogramSamples(List<RefHistogramSample> histograms) implements WalRecord {
    /** Copies the list. */
    public HistogramSamples {
      histograms = List.copyOf(histograms);
    }

    @Override
    public RecordType type() {
      return RecordType.HISTOGRAM_SAMPLES;
    }
  }

  /**
   * A float native histogram samples record.
   *
   * @param histograms the samples, in record order
   */
  record FloatHistogramSamples(List<RefFloatHistogramSample> histograms) implements WalRecord {
    /** Copies the list. */
    public FloatHistogramSamples {
      histograms = List.copyOf(histograms);
    }

    @Override
    public RecordType type() {
      return RecordType.FLOAT_HISTOGRAM_SAMPLES;
    }
  }

  /**
   * A record whose type byte Prometheus 2.42 does not know (a later version's record, or an empty
   * record). Replay skips such records, as Prometheus does.
   *
   * @param code the type byte (0..255), or -1 for an empty record
   * @param bytes the whole record including the type byte
   */
  record Unknown(int code, byte[] bytes) implements WalRecord {
    /** Copies the bytes. */
    public Unknown {
      bytes = bytes.clone();
    }

    /** A copy of the record bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public RecordType type() {
      return RecordType.UNKNOWN;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Unknown u && code == u.code && Arrays.equals(bytes, u.bytes);
    }

    @Override
    public int hashCode() {
      return 31 * code + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Unknown[code=" + code + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
    }
  }
}
