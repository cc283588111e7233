/** Release ids: `<UTC timestamp to the ms>Z-<8 hex of the tree's content hash>`, sortable and unique. */
import { timestampId } from "../../lib/io/release.ts";

const RELEASE_ID = /^(\d{8}T\d{9}Z)-[0-9a-f]{8}$/;

export function uniqueReleaseId(existing: string[], now: Date, treeHash: string): string {
  const short = treeHash.slice(0, 8);
  const newest = existing.filter((name) => RELEASE_ID.test(name)).at(-1);
  let time = now.getTime();
  let id = `${timestampId(new Date(time))}-${short}`;
  // Strictly after the newest release, so ids stay unique and sort as publish order
  // even if the clock went backwards.
  while (newest !== undefined && id.slice(0, 19) <= newest.slice(0, 19)) {
    time = Math.max(time + 1, Date.parse(isoFromId(newest)) + 1);
    id = `${timestampId(new Date(time))}-${short}`;
  }
  return id;
}

function isoFromId(id: string): string {
  // 20261122T201530123Z -> 2026-11-22T20:15:30.123Z
  const t = id.slice(0, 19);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}.${t.slice(15, 18)}Z`;
}
