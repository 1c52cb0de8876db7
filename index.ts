// The root Pulumi program: a stack of hubs, templates, catalog items and clusters described in YAML.
// The document comes from the stack config `stack` (YAML text or an object) or from the
// file named by `stackFile` (default `stack.yaml` next to Pulumi.yaml).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { parseStackSpec, StackSpecError } from "./stack/load";
import { buildStack } from "./stack/program";

const config = new pulumi.Config();
const projectDir = process.cwd();
const inline = config.getObject<unknown>("stack") ?? config.get("stack");
let text: string;
let source: string;
let baseDir = projectDir;
if (inline !== undefined) {
  text = typeof inline === "string" ? inline : stringify(inline);
  source = "stack config 'stack'";
} else {
  const file = path.resolve(projectDir, config.get("stackFile") ?? "stack.yaml");
  if (!fs.existsSync(file)) {
    throw new Error(
      `no stack document: set 'pulumi config set stackFile <file.yaml>' (default stack.yaml, see stack.example.yaml) ` +
        `or put the document in the stack config 'stack'`,
    );
  }
  text = fs.readFileSync(file, "utf8");
  source = path.relative(projectDir, file) || file;
  baseDir = path.dirname(file);
}

let spec;
try {
  spec = parseStackSpec(text, source);
} catch (error) {
  // A RunError is shown as its message alone: the problems, without a stack trace.
  throw error instanceof StackSpecError ? new pulumi.RunError(error.message) : error;
}
const outputs = buildStack(spec, baseDir);
export const hubs = outputs.hubs;
export const templates = outputs.templates;
export const catalogItems = outputs.catalogItems;
export const clusters = outputs.clusters;
export const kubeconfigs = pulumi.secret(outputs.kubeconfigs);
