import { mediaTools } from '../../lambdas/shared/media/tools';
import { systemExtras } from '../../lib/local/ai-support/extras';
import { SpeechSynthesizer } from '../../lib/local/polly/synthesizer';
import { SpeechRecognizer } from '../../lib/local/transcribe/recognizer';
import { ApertiumTranslator } from '../../lib/local/translate/engine';

/**
 * Why each optional extra (README, optional extras) cannot be used on this machine, or `undefined` when it can: the
 * stand-ins' own checks, so the reason names the Debian packages to install.
 */
export const MISSING_EXTRAS = {
  recognition: new SpeechRecognizer(systemExtras(), mediaTools()).missing(),
  synthesis: new SpeechSynthesizer(systemExtras(), mediaTools().ffmpeg).missing(),
  translation: ((pair) => ('missing' in pair ? pair.missing : undefined))(
    new ApertiumTranslator(systemExtras()).check('en', 'es'),
  ),
};

type TestFunction = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `it` for a test that needs optional extras. Where one is missing the test is skipped, its name saying which
 * packages to install, so `npm test` passes on a machine without them. CI (`CI` set) installs the extras in
 * `.ci/run`, so there a missing extra fails the test instead of hiding it.
 */
export function itNeeding(...missing: ReadonlyArray<string | undefined>): TestFunction {
  const reasons = missing.filter((reason): reason is string => reason !== undefined);
  if (reasons.length === 0) return it;
  // The stand-ins' messages end with the install command; its package names say enough in a test's name.
  const packages = reasons.flatMap((reason) => /apt-get install ([^;)]+)/.exec(reason)?.[1]?.split(' ') ?? [reason]);
  const why = `apt-get install ${[...new Set(packages)].join(' ')}`;
  if (process.env.CI) {
    return (name) =>
      it(name, () => {
        throw new Error(`CI installs the optional extras, but: ${reasons.join(' ')}`);
      });
  }
  return (name, fn, timeout) => it.skip(`${name} [skipped, needs the optional extras: ${why}]`, fn, timeout);
}
