// SPDX-License-Identifier: Apache-2.0
package io.sluice.tsdb.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tsdb.chunkenc.HistogramGolden.Sample;
import io.sluice.tsdb.chunks.ChunkSegmentReader;
import io.sluice.tsdb.index.ChunkRef;
import io.sluice.tsdb.index.IndexReader;
import io.sluice.tsdb.index.IndexSeries;
import io.sluice.tsdb.record.FloatHistogram;
import io.sluice.tsdb.record.Histogram;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Integer and float histogram chunks against the block Prometheus 2.42 cut from the golden samples:
 * Sluice decodes every chunk to the samples sent, and cutting the same samples with the head's
 * rules gives the same chunks byte for byte (counter reset headers, re-encoding on new buckets and
 * the spill byte included).
 */
class HistogramChunkGoldenTest {
  private static final long CHUNK_RANGE = 7_200_000L;

  /** A chunk as stored: encoding byte and data, shown as hex. */
  private record StoredChunk(byte encoding, String hex) {
    static StoredChunk of(byte encoding, byte[] data) {
      return new StoredChunk(encoding, HexFormat.of().formatHex(data));
    }
  }

  private static Map<String, List<StoredChunk>> golden;
  private static Map<String, List<Sample>> sent;
  private static long blockMaxTime;

  @BeforeAll
  static void readBlock() throws IOException {
    Path block = HistogramGolden.block();
    golden = new LinkedHashMap<>();
    try (IndexReader index = IndexReader.open(block.resolve("index"));
        ChunkSegmentReader chunks = ChunkSegmentReader.open(block.resolve("chunks"))) {
      for (long ref : index.allPostings()) {
        IndexSeries s = index.series(ref);
        List<StoredChunk> list = new ArrayList<>();
        for (ChunkRef c : s.chunks()) {
          ChunkSegmentReader.Chunk chunk = chunks.read(c.ref());
          list.add(StoredChunk.of(chunk.encoding(), chunk.data()));
          blockMaxTime = Math.max(blockMaxTime, c.maxTime() + 1);
        }
        golden.put(s.labels().get("__name__"), list);
      }
    }
    sent = new LinkedHashMap<>();
    HistogramGolden.samples()
        .forEach(
            (name, samples) -> {
              List<Sample> in = samples.stream().filter(x -> x.t() < blockMaxTime).toList();
              if (!in.isEmpty()) {
                sent.put(name, in);
              }
            });
  }

  @Test
  void goldenBlockHoldsEveryCaseInIntegerAndFloatHistogramChunks() {
    assertThat(golden.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
    assertThat(golden.get("golden_h_counter_reset")).hasSize(2);
    assertThat(golden.get("golden_h_layout_change")).hasSize(3);
    assertThat(golden.get("golden_h_new_buckets")).hasSize(1);
    assertThat(golden.get("golden_fh_new_buckets")).hasSize(1);
    assertThat(golden.get("golden_fh_counter_reset")).hasSize(2);
    assertThat(golden.get("golden_mixed"))
        .extracting(StoredChunk::encoding)
        .containsExactly(
            XorChunkFormat.ENCODING, HistogramChunkFormat.ENCODING, XorChunkFormat.ENCODING);
    assertThat(golden.get("golden_fh_basic"))
        .extracting(StoredChunk::encoding)
        .containsOnly(HistogramChunkFormat.FLOAT_ENCODING);
    assertThat(headers("golden_h_counter_reset"))
        .containsExactly(
            HistogramChunkFormat.UNKNOWN_COUNTER_RESET, HistogramChunkFormat.COUNTER_RESET);
    assertThat(headers("golden_h_reset_hint"))
        .containsExactly(
            HistogramChunkFormat.UNKNOWN_COUNTER_RESET, HistogramChunkFormat.COUNTER_RESET);
    assertThat(headers("golden_h_gauge")).containsOnly(HistogramChunkFormat.GAUGE);
    assertThat(headers("golden_fh_gauge")).containsOnly(HistogramChunkFormat.GAUGE);
  }

  @Test
  void decodesEveryGoldenChunkToTheSamplesSent() {
    for (String name : golden.keySet()) {
      List<String> decoded = new ArrayList<>();
      for (StoredChunk c : golden.get(name)) {
        byte[] data = HexFormat.of().parseHex(c.hex());
        switch (c.encoding()) {
          case XorChunkFormat.ENCODING -> {
            XorIterator it = XorChunk.iterator(data, 0, data.length);
            while (it.next()) {
              decoded.add(HistogramGolden.canonical(it.timestamp(), it.valueBits()));
            }
          }
          case HistogramChunkFormat.ENCODING -> {
            HistogramIterator it = HistogramChunk.iterator(data, 0, data.length);
            while (it.next()) {
              decoded.add(HistogramGolden.canonical(it.timestamp(), it.histogram()));
            }
          }
          case HistogramChunkFormat.FLOAT_ENCODING -> {
            FloatHistogramIterator it = FloatHistogramChunk.iterator(data, 0, data.length);
            while (it.next()) {
              decoded.add(HistogramGolden.canonical(it.timestamp(), it.floatHistogram()));
            }
          }
          default -> throw new AssertionError("encoding " + c.encoding());
        }
      }
      List<String> want = sent.get(name).stream().map(s -> canonical(s)).toList();
      assertThat(decoded).as(name).containsExactlyElementsOf(want);
    }
  }

  @Test
  void cutsAndEncodesTheSameChunksAsPrometheus() {
    for (String name : golden.keySet()) {
      assertThat(cut(sent.get(name))).as(name).containsExactlyElementsOf(golden.get(name));
    }
  }

  @Test
  void decodedHintsFollowTheChunkHeaders() {
    byte[] data = HexFormat.of().parseHex(golden.get("golden_h_counter_reset").get(1).hex());
    HistogramIterator it = HistogramChunk.iterator(data, 0, data.length);
    List<Byte> hints = new ArrayList<>();
    while (it.next()) {
      hints.add(it.histogram().counterResetHint());
    }
    assertThat(hints).containsExactly((byte) 1, (byte) 2, (byte) 2, (byte) 2, (byte) 2);
    byte[] gauge = HexFormat.of().parseHex(golden.get("golden_fh_gauge").get(0).hex());
    FloatHistogramIterator g = FloatHistogramChunk.iterator(gauge, 0, gauge.length);
    while (g.next()) {
      assertThat(g.floatHistogram().counterResetHint()).isEqualTo((byte) 3);
    }
  }

  @Test
  void truncatedChunkIsMalformed() {
    byte[] data = HexFormat.of().parseHex(golden.get("golden_h_pos_neg_gaps").get(0).hex());
    HistogramIterator it = HistogramChunk.iterator(data, 0, data.length / 2);
    assertThatThrownBy(
            () -> {
              while (it.next()) {
                it.histogram();
              }
            })
        .isInstanceOf(MalformedChunkException.class)
        .hasMessageContaining("ends early");
  }

  private static String canonical(Sample s) {
    return HistogramGolden.canonical(s.t(), s.value());
  }

  private static List<Byte> headers(String name) {
    return golden.get(name).stream()
        .map(c -> (byte) (HexFormat.of().parseHex(c.hex())[2] & 0xC0))
        .toList();
  }

  /**
   * Cuts one series' samples into chunks as Prometheus 2.42's head does: a new chunk for the first
   * sample, on a change of sample kind, at the end of the 2 h window (estimated again at 30
   * samples) or at 240 samples, and by the histogram cutters' own rules.
   */
  private static List<StoredChunk> cut(List<Sample> samples) {
    List<StoredChunk> out = new ArrayList<>();
    XorChunk xor = null;
    HistogramChunkCutter ints = new HistogramChunkCutter();
    FloatHistogramChunkCutter floats = new FloatHistogramChunkCutter();
    int kind = -1;
    long minTime = 0;
    long lastT = 0;
    long nextAt = 0;
    int n = 0;
    for (Sample s : samples) {
      int k = s.value() instanceof Long ? 1 : s.value() instanceof Histogram ? 2 : 3;
      boolean cutHere = kind != k;
      if (!cutHere) {
        if (n == 30) {
          nextAt = chunkEndTime(minTime, lastT, nextAt);
        }
        cutHere = s.t() >= nextAt || n >= 240;
      }
      if (cutHere) {
        if (kind != k) {
          flush(out, kind, xor, ints, floats);
          xor = null;
          ints.forget();
          floats.forget();
        } else if (k == 1) {
          out.add(StoredChunk.of(XorChunkFormat.ENCODING, xor.bytes()));
        }
        if (k == 1) {
          xor = new XorChunk();
        }
        kind = k;
        minTime = s.t();
        nextAt = (s.t() / CHUNK_RANGE) * CHUNK_RANGE + CHUNK_RANGE;
        n = 0;
      }
      switch (k) {
        case 1 -> xor.append(s.t(), (Long) s.value());
        case 2 -> {
          HistogramChunk closed = ints.append(s.t(), (Histogram) s.value(), cutHere);
          if (closed != null) {
            out.add(StoredChunk.of(HistogramChunkFormat.ENCODING, closed.bytes()));
          }
          n = ints.chunk().numSamples();
        }
        default -> {
          FloatHistogramChunk closed = floats.append(s.t(), (FloatHistogram) s.value(), cutHere);
          if (closed != null) {
            out.add(StoredChunk.of(HistogramChunkFormat.FLOAT_ENCODING, closed.bytes()));
          }
          n = floats.chunk().numSamples();
        }
      }
      if (k == 1) {
        n = xor.numSamples();
      } else if (n == 1) {
        minTime = s.t();
        nextAt = (s.t() / CHUNK_RANGE) * CHUNK_RANGE + CHUNK_RANGE;
      }
      lastT = s.t();
    }
    flush(out, kind, xor, ints, floats);
    return out;
  }

  private static void flush(
      List<StoredChunk> out,
      int kind,
      XorChunk xor,
      HistogramChunkCutter ints,
      FloatHistogramChunkCutter floats) {
    switch (kind) {
      case 1 -> out.add(StoredChunk.of(XorChunkFormat.ENCODING, xor.bytes()));
      case 2 -> out.add(StoredChunk.of(HistogramChunkFormat.ENCODING, ints.chunk().bytes()));
      case 3 ->
          out.add(StoredChunk.of(HistogramChunkFormat.FLOAT_ENCODING, floats.chunk().bytes()));
      default -> {}
    }
  }

  // Prometheus' computeChunkEndTime.
  private static long chunkEndTime(long start, long cur, long max) {
    long n = (max - start) / ((cur - start + 1) * 4);
    return n <= 1 ? max : start + (max - start) / n;
  }
}
