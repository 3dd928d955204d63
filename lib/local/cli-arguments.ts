import type { CommandLineContext } from './synth';

export interface LocalModeArguments {
  /** `-c key=value` pairs, later ones winning, as `cdk synth -c` takes them. */
  readonly context: CommandLineContext;
}

export const USAGE = 'Usage: npm start [-- -c key=value [-c key=value ...]]';

/**
 * Reads `npm start -- …` arguments. `-c key=value` / `--context key=value` (also `--context=key=value`) set CDK
 * context for the synthesis, repeatable, exactly as `cdk synth` reads them: the value is the string after the
 * first `=`.
 */
export function parseArguments(argv: readonly string[]): LocalModeArguments {
  const context: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    let pair: string | undefined;
    if (argument === '-c' || argument === '--context') {
      pair = argv[++index];
      if (pair === undefined) throw new Error(`${argument} needs a key=value. ${USAGE}`);
    } else if (argument.startsWith('--context=')) {
      pair = argument.slice('--context='.length);
    } else {
      throw new Error(`Unknown argument "${argument}". ${USAGE}`);
    }
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`Context must be key=value, got "${pair}". ${USAGE}`);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { context };
}
