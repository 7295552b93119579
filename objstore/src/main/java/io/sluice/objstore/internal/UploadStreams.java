// SPDX-License-Identifier: Apache-2.0
package io.sluice.objstore.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads declared-length upload streams, failing when they are shorter or longer than declared. */
public final class UploadStreams {

  private UploadStreams() {}

  /**
   * Copies exactly {@code length} bytes from {@code in} to {@code out} and checks that {@code in}
   * has nothing more.
   *
   * @throws EOFException when {@code in} ends before {@code length} bytes
   * @throws IOException when {@code in} holds more than {@code length} bytes
   */
  public static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long remaining = length;
    while (remaining > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n < 0) {
        throw shortStream(length, remaining);
      }
      out.write(buf, 0, n);
      remaining -= n;
    }
    checkEnd(in, length);
  }

  /**
   * Fills {@code buf[0..len)} from {@code in}.
   *
   * @param declared the declared length of the whole stream, for the message
   * @param remainingBefore the bytes of the whole stream not yet read before this call
   * @throws EOFException when {@code in} ends early
   */
  public static void readFully(
      InputStream in, byte[] buf, int len, long declared, long remainingBefore) throws IOException {
    int off = 0;
    while (off < len) {
      int n = in.read(buf, off, len - off);
      if (n < 0) {
        throw shortStream(declared, remainingBefore - off);
      }
      off += n;
    }
  }

  /**
   * Checks that {@code in} is at its end after {@code declared} bytes were read.
   *
   * @throws IOException when it is not
   */
  public static void checkEnd(InputStream in, long declared) throws IOException {
    if (in.read() >= 0) {
      throw new IOException("upload stream holds more than its declared length of " + declared);
    }
  }

  private static EOFException shortStream(long declared, long missing) {
    return new EOFException(
        "upload stream ended " + missing + " bytes before its declared length of " + declared);
  }
}
