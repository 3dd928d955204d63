import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTool } from '../../../lambdas/shared/media/tools';
import { installHint, type Extras } from '../ai-support/extras';

/** Translate's two-letter codes and Apertium's three-letter ones (its newer pairs' mode names). */
const ISO_639_3: Record<string, string> = {
  af: 'afr', ar: 'ara', bg: 'bul', ca: 'cat', cs: 'ces', cy: 'cym', da: 'dan', de: 'deu', el: 'ell', en: 'eng',
  eo: 'epo', es: 'spa', et: 'est', eu: 'eus', fa: 'fas', fi: 'fin', fr: 'fra', ga: 'gle', gl: 'glg', hi: 'hin',
  hr: 'hbs', hu: 'hun', id: 'ind', is: 'isl', it: 'ita', kk: 'kaz', mk: 'mkd', ms: 'zlm', mt: 'mlt', nl: 'nld',
  no: 'nob', pl: 'pol', pt: 'por', ro: 'ron', ru: 'rus', sk: 'slk', sl: 'slv', sr: 'hbs', sv: 'swe', tr: 'tur',
  uk: 'ukr', ur: 'urd',
}; // prettier-ignore

const MODES_DIR = 'usr/share/apertium/modes';

/** Why a pair cannot be translated offline, or `undefined` with the Apertium mode that translates it. */
export type PairCheck = { readonly mode: string } | { readonly missing: string };

/**
 * Machine translation with Apertium (Debian's `apertium` and its language pair packages), the rule-based
 * translator a reachable package registry ships with data. A pair is usable when its mode file is installed
 * (`/usr/share/apertium/modes/eng-spa.mode`); regional variants (`es-MX`, `fr-CA`, `pt-PT`) use their language's pair.
 */
export class ApertiumTranslator {
  constructor(private readonly extras: Extras) {}

  check(source: string, target: string): PairCheck {
    const command = this.extras.command('apertium');
    const [from, to] = [base(source), base(target)];
    const candidates = [
      ...(ISO_639_3[from] && ISO_639_3[to] ? [`${ISO_639_3[from]}-${ISO_639_3[to]}`] : []),
      `${from}-${to}`,
    ];
    const mode = candidates.find((name) => this.extras.data(`${MODES_DIR}/${name}.mode`) !== undefined);
    if (command && mode) return { mode };
    const pairPackage = `apertium-${candidates[0]}`;
    const packages = command ? [pairPackage] : ['apertium', pairPackage];
    return {
      missing: `Translation from ${source} to ${target} in local mode needs Apertium and its ${from}-${to} pair: ${installHint(packages)}; \`apt-cache search apertium\` lists the pairs.`,
    };
  }

  /**
   * Translates plain text; unknown words are passed through as they are (`-u`), as Translate leaves names. The text
   * goes in as a file: the `apertium` script opens `/dev/stdin`, which fails on the socket Node gives a child.
   */
  async translate(mode: string, text: string): Promise<string> {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'apertium-'));
    try {
      const input = path.join(directory, 'input.txt');
      await fs.writeFile(input, text.endsWith('\n') ? text : `${text}\n`);
      const output = await runTool(this.extras.command('apertium') as string, ['-u', '-f', 'txt', mode, input]);
      return output.replace(/\n$/, '');
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  }
}

function base(code: string): string {
  return code.split('-')[0] as string;
}
