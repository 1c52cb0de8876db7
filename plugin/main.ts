#!/usr/bin/env node
// The provider plugin's entry point. The engine starts it with optional flags and its own
// address, and reads the port it serves on from the first line of stdout; nothing else may
// go to stdout (progress goes to the engine's Log service).
import { serveProvider } from "./server";

/** `[--logtostderr] [-v=N] [--tracing URL] [engine-address]`. */
export function engineAddressOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--tracing") {
      i++;
      continue;
    }
    if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

if (require.main === module) {
  serveProvider(engineAddressOf(process.argv.slice(2))).then(
    (server) => process.stdout.write(`${server.port}\n`),
    (error: unknown) => {
      process.stderr.write(`pulumi-resource-fulfillment: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
