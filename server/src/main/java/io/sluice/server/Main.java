// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

/** Entry point of the {@code sluice} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("sluice");
  }
}
