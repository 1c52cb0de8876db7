// The plugin's version is the package's: the engine looks for `resource-fulfillment-v<version>`.
// Through the package's self-reference, so the same line works from the sources and from dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON outside the compiled tree
export const PLUGIN_VERSION: string = (require("pulumi-fulfillment/package.json") as { version: string }).version;
