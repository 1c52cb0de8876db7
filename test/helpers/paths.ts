import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A fulfillment-cli config path that is certain not to exist (a fixed one like /nonexistent can be created by anyone). */
export const NO_CLI_CONFIG = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "no-cli-config-")), "absent", "config.json");
