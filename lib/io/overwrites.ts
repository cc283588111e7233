/**
 * Source files the build replaced with its own output: a static file read from src/ (robots.txt,
 * alerts.json...) whose key holds another file object once the pipeline has run. Compared by
 * identity, so any stage that writes a file of its own at that address is caught, whatever it is.
 */
import type Metalsmith from 'metalsmith';

/** Keys of `read` (the files read from the source folder) that `built` holds another file at. */
export function replacedSources(read: Readonly<Record<string, Metalsmith.File>>, built: Metalsmith.Files): string[] {
  return Object.keys(read).filter((key) => built[key] !== undefined && built[key] !== read[key]);
}
