// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.it;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * The test side's own gRPC {@code snappy} codec (snappy framing format, as Thanos' {@code
 * pkg/extgrpc/snappy}), written independently of the one under test.
 */
final class FramedSnappy implements Codec {
  static final FramedSnappy INSTANCE = new FramedSnappy();

  static CompressorRegistry compressors() {
    CompressorRegistry r = CompressorRegistry.newEmptyInstance();
    r.register(INSTANCE);
    return r;
  }

  static DecompressorRegistry decompressors() {
    return DecompressorRegistry.getDefaultInstance().with(INSTANCE, true);
  }

  @Override
  public String getMessageEncoding() {
    return "snappy";
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new SnappyFramedOutputStream(os);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new SnappyFramedInputStream(is);
  }
}
