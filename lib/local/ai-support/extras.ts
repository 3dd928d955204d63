import { accessSync, constants, existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The optional extras: Debian packages that give local mode what no npm package ships (speech recognition,
 * machine translation, speech synthesis). They are looked up when a request needs them, so installing one takes
 * effect without a restart; a stand-in whose extra is missing answers as the service answers a request it cannot
 * serve, naming the package to install.
 */
export interface Extras {
  /** The absolute path of an executable on the search path, or `undefined`. */
  command(name: string): string | undefined;
  /** The absolute path of a data file or directory an extra installs (`usr/share/…`), or `undefined`. */
  data(file: string): string | undefined;
}

/**
 * Extras found on `searchPath` (`PATH` by default), their data under `root` (`/`: where Debian installs it; tests
 * point both elsewhere to see a stand-in without its extras).
 */
export function systemExtras(searchPath: string = process.env.PATH ?? '', root = '/'): Extras {
  return {
    command(name) {
      for (const directory of searchPath.split(path.delimiter)) {
        if (directory === '') continue;
        const candidate = path.join(directory, name);
        try {
          accessSync(candidate, constants.X_OK);
          return candidate;
        } catch {
          // not in this directory
        }
      }
      return undefined;
    },
    data(file) {
      const absolute = path.join(root, file);
      return existsSync(absolute) ? absolute : undefined;
    },
  };
}

/** How the README tells to install an extra; every missing-extra message ends with it. */
export function installHint(packages: readonly string[]): string {
  return `install the Debian package${packages.length > 1 ? 's' : ''} ${packages.join(' ')} (apt-get install ${packages.join(' ')}; see the README's optional extras)`;
}
