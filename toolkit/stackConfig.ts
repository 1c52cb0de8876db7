// The stack's `fulfillment:` configuration, handed to dynamic providers by the engine
// through `configure`. Kept per process: one provider host serves one stack.
import { parseBooleanSetting, parseScopesSetting, type ConnectionInput } from "../client/connection";

interface ConfigReader {
  get(key: string): string | undefined;
}

let stackConnection: ConnectionInput | undefined;

function parseBoolean(key: string, raw: string | undefined): boolean | undefined {
  return raw === undefined ? undefined : parseBooleanSetting(raw, `stack config fulfillment:${key}`);
}

export function rememberStackConfig(config: ConfigReader): void {
  const get = (key: string) => config.get(`fulfillment:${key}`);
  const connection: ConnectionInput = {};
  const address = get("address");
  const token = get("token");
  const tokenScript = get("tokenScript");
  const caFile = get("caFile");
  const insecure = parseBoolean("insecure", get("insecure"));
  const plaintext = parseBoolean("plaintext", get("plaintext"));
  if (address !== undefined) connection.address = address;
  if (token !== undefined) connection.token = token;
  if (tokenScript !== undefined) connection.tokenScript = tokenScript;
  if (caFile !== undefined) connection.caFile = caFile;
  if (insecure !== undefined) connection.insecure = insecure;
  if (plaintext !== undefined) connection.plaintext = plaintext;
  const clientId = get("clientId");
  const clientSecret = get("clientSecret");
  const issuer = get("issuer");
  const scopes = get("scopes");
  if (clientId !== undefined) connection.clientId = clientId;
  if (clientSecret !== undefined) connection.clientSecret = clientSecret;
  if (issuer !== undefined) connection.issuer = issuer;
  if (scopes !== undefined) connection.scopes = parseScopesSetting(scopes);
  const api = get("api");
  if (api !== undefined) connection.api = api as ConnectionInput["api"];
  stackConnection = connection;
}

export function stackConfigConnection(): ConnectionInput | undefined {
  return stackConnection;
}
