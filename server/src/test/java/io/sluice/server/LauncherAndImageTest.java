// SPDX-License-Identifier: Apache-2.0
package io.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The container image and the launcher start the JVM alike: the image's JVM flags (Jib's {@code
 * jvmFlags} in this module's pom) are the flags the {@code sluice} launcher always passes.
 */
class LauncherAndImageTest {
  @Test
  void imageRunsTheJvmWithTheLaunchersFlags() throws Exception {
    assertThat(imageJvmFlags())
        .contains("-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-XX:+UseG1GC")
        .containsExactlyElementsOf(launcherJvmFlags());
  }

  private static List<String> imageJvmFlags() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse("pom.xml");
    NodeList plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (text(plugin, "artifactId").equals("jib-maven-plugin")) {
        List<String> flags = new ArrayList<>();
        NodeList f = plugin.getElementsByTagName("jvmFlag");
        for (int j = 0; j < f.getLength(); j++) {
          flags.add(f.item(j).getTextContent().trim());
        }
        return flags;
      }
    }
    throw new AssertionError("no jib-maven-plugin in pom.xml");
  }

  /** The words of the launcher's {@code opts=(…)} line: the flags it passes to every JVM. */
  private static List<String> launcherJvmFlags() throws Exception {
    for (String line : Files.readAllLines(Path.of("..", "sluice"))) {
      if (line.startsWith("opts=(") && line.endsWith(")")) {
        return List.of(line.substring("opts=(".length(), line.length() - 1).trim().split("\\s+"));
      }
    }
    throw new AssertionError("no opts=(…) line in the launcher");
  }

  private static String text(Element e, String tag) {
    NodeList l = e.getElementsByTagName(tag);
    return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
  }
}
