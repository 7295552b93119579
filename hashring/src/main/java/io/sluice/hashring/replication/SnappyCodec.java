// SPDX-License-Identifier: Apache-2.0
package io.sluice.hashring.replication;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The gRPC message encoding {@code snappy} as Thanos registers it ({@code pkg/extgrpc/snappy}): the
 * snappy <em>framing</em> (stream) format, stream identifier, CRC-32C checked chunks — not the
 * snappy block format of remote-write HTTP bodies. Receivers send it to peers by default ({@code
 * --receive.grpc-compression=snappy}).
 *
 * <p>Stateless and thread-safe. Messages are compressed by {@link FramedSnappyOutput} with the
 * compressing thread's buffers, and decompressed by {@link FramedSnappyInput}, which checks every
 * chunk's CRC and decompresses straight into the reader's array when it reads whole chunks.
 */
public final class SnappyCodec implements Codec {
  /** The encoding name, in {@code grpc-encoding} and {@code grpc-accept-encoding}. */
  public static final String NAME = "snappy";

  private static final SnappyCodec INSTANCE = new SnappyCodec();

  private SnappyCodec() {}

  /** {@return the codec} */
  public static SnappyCodec instance() {
    return INSTANCE;
  }

  /** {@return a compressor registry that knows {@code snappy} (and identity)} */
  public static CompressorRegistry compressors() {
    CompressorRegistry r = CompressorRegistry.newEmptyInstance();
    r.register(Codec.Identity.NONE);
    r.register(INSTANCE);
    return r;
  }

  /** {@return gRPC's default decompressors plus {@code snappy}, advertised to the other side} */
  public static DecompressorRegistry decompressors() {
    return DecompressorRegistry.getDefaultInstance().with(INSTANCE, true);
  }

  @Override
  public String getMessageEncoding() {
    return NAME;
  }

  @Override
  public OutputStream compress(OutputStream os) {
    return new FramedSnappyOutput(os);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new FramedSnappyInput(is);
  }
}
