// SPDX-License-Identifier: Apache-2.0
package io.sluice.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sluice.objstore.Bucket;
import io.sluice.objstore.BucketConfig;
import io.sluice.objstore.BucketConfigException;
import io.sluice.objstore.Buckets;
import io.sluice.server.tools.BlockTable;
import io.sluice.server.tools.BucketBlocks;
import io.sluice.tsdb.block.BlockMeta;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice tools bucket inspect}: the blocks of a bucket, as {@code thanos tools bucket
 * inspect} prints them (see {@link BlockTable}), from their {@code meta.json}. Flags as Thanos:
 * {@code --objstore.config(-file)} (the same YAML as {@code receive}), {@code --selector}/{@code -l
 * name="value"} (repeatable; a block is listed when its Thanos labels have every pair), {@code
 * --sort-by} (repeatable, default {@code FROM UNTIL}), {@code --output} {@code table} (default),
 * {@code tsv} or {@code csv}, and {@code json} (Sluice only: the blocks' {@code meta.json}
 * documents as stored, in a JSON array, in the order of the table). Exit status 0, 1 when the
 * bucket cannot be read, 2 for a bad flag.
 */
@Command(
    name = "inspect",
    description = "Inspect all blocks in the bucket in detailed, table-like way.",
    mixinStandardHelpOptions = true)
final class BucketInspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--objstore.config-file",
      paramLabel = "<file-path>",
      description = "Path to YAML file that contains object store configuration.")
  Path objstoreConfigFile;

  @Option(
      names = "--objstore.config",
      paramLabel = "<content>",
      description = "Alternative to 'objstore.config-file' flag (mutually exclusive).")
  String objstoreConfig;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "<name>=\"<value>\"",
      description = "Selects blocks based on label, e.g. '-l key1=\"value1\"'. All must match.")
  List<String> selector = new ArrayList<>();

  @Option(
      names = "--sort-by",
      paramLabel = "<column>",
      description = "Sort by columns, e.g. '--sort-by FROM --sort-by UNTIL'. Default FROM, UNTIL.")
  List<String> sortBy;

  @Option(
      names = "--output",
      paramLabel = "<format>",
      defaultValue = "table",
      description = "Output format: table, tsv, csv, or json (Sluice only). Default: table.")
  String output;

  @Override
  public Integer call() {
    if (!List.of("table", "tsv", "csv", "json").contains(output)) {
      throw new ParameterException(
          spec.commandLine(),
          "invalid value for --output: \"" + output + "\", want table, tsv, csv or json");
    }
    String yaml;
    try {
      yaml =
          PathOrContent.read(
              "--objstore.config", objstoreConfigFile, objstoreConfig, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (yaml.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--objstore.config or --objstore.config-file is required");
    }
    BucketConfig config;
    try {
      config = BucketConfig.parse(yaml);
    } catch (BucketConfigException e) {
      throw new ParameterException(
          spec.commandLine(), "invalid --objstore.config: " + e.getMessage());
    }
    Map<String, String> wanted = new java.util.TreeMap<>();
    for (String s : selector) {
      try {
        String[] nv = LabelFlag.parse(s);
        wanted.put(nv[0], nv[1]);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "error parsing selector flag: " + e.getMessage());
      }
    }
    List<String> sort = sortBy == null || sortBy.isEmpty() ? BlockTable.DEFAULT_SORT : sortBy;
    for (String c : sort) {
      if (!BlockTable.COLUMNS.contains(c)) {
        throw new ParameterException(
            spec.commandLine(),
            "invalid value for --sort-by: " + c + ", want one of " + BlockTable.COLUMNS);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<BucketBlocks.Block> blocks;
    try (Bucket bucket = Buckets.open(config)) {
      blocks =
          BucketBlocks.read(
              bucket,
              (dir, why) -> err.println("skipping block " + dir + ": corrupted meta.json: " + why));
    } catch (IOException e) {
      err.println("error: reading the bucket failed: " + e.getMessage());
      err.flush();
      return 1;
    }
    List<BucketBlocks.Block> chosen = new ArrayList<>();
    for (BucketBlocks.Block b : blocks) {
      if (matches(b.meta(), wanted)) {
        chosen.add(b);
      }
    }
    List<BlockMeta> metas = new ArrayList<>(chosen.size());
    for (BucketBlocks.Block b : chosen) {
      metas.add(b.meta());
    }
    BlockTable table = BlockTable.of(metas, ZoneId.systemDefault(), sort);
    out.print(
        switch (output) {
          case "tsv" -> table.tsv();
          case "csv" -> table.csv();
          case "json" -> json(table, chosen);
          default -> table.table();
        });
    out.flush();
    err.flush();
    return 0;
  }

  private static boolean matches(BlockMeta meta, Map<String, String> wanted) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      String v = meta.thanos() == null ? null : meta.thanos().labels().get(w.getKey());
      if (!w.getValue().equals(v)) {
        return false;
      }
    }
    return true;
  }

  // The stored documents, in the order of the table's rows.
  private static String json(BlockTable table, List<BucketBlocks.Block> blocks) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Map<String, byte[]> byUlid = new java.util.HashMap<>();
    for (BucketBlocks.Block b : blocks) {
      byUlid.put(b.meta().ulid().toString(), b.json());
    }
    ArrayNode array = mapper.createArrayNode();
    try {
      for (String[] row : table.rows()) {
        array.add(mapper.readTree(byUlid.get(row[0])));
      }
      return mapper.writeValueAsString(array) + "\n";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
