// A change of an osac cluster's releaseImage is an upgrade in place: the server keeps
// pushing spec changes to the hub after READY. Before one is planned, the versions it goes
// from and to are looked up by image (only the private API shows images, so only callers
// that may read it get this check) and an upgrade the current version's allowed upgrades do
// not list is refused, naming both versions.
import type { FulfillmentApi } from "../client/api";
import { grpcCode } from "../client/errors";

/** A refusal naming both versions, or undefined when allowed or when the versions cannot be seen. */
export async function upgradeRefusal(api: FulfillmentApi, fromImage: string, toImage: string): Promise<string | undefined> {
  const versions = api.clusterVersions;
  if (!versions || fromImage === toImage) return undefined;
  let all: Awaited<ReturnType<typeof versions.listAll>>;
  try {
    all = await versions.listAll();
  } catch (error) {
    // PERMISSION_DENIED: a client cannot see images; the server stays the judge.
    if (grpcCode(error) !== undefined) return undefined;
    throw error;
  }
  const from = all.find((version) => version.image === fromImage);
  const to = all.find((version) => version.image === toImage);
  if (!from || !to) return undefined;
  if (from.allowedUpgrades.includes(to.name)) return undefined;
  return (
    `releaseImage: an upgrade from cluster version ${from.version} ('${from.name}', ${fromImage}) to ${to.version} ('${to.name}', ${toImage}) ` +
    `is not allowed: ${from.version} allows upgrades only to ${from.allowedUpgrades.length ? from.allowedUpgrades.map((name) => `'${name}'`).join(", ") : "no version"}. ` +
    `Pick one of those, or ask an admin to add '${to.name}' to the allowedUpgrades of ${from.version}`
  );
}
