/** A Polly voice and the espeak-ng voice (language + variant) that speaks for it locally. */
export interface PollyVoice {
  readonly id: string;
  readonly name: string;
  readonly gender: 'Female' | 'Male';
  readonly languageCode: string;
  readonly languageName: string;
  readonly espeak: string;
}

const voice = (
  id: string,
  gender: 'Female' | 'Male',
  languageCode: string,
  languageName: string,
  espeakLanguage: string,
  variant: string,
): PollyVoice => ({ id, name: id, gender, languageCode, languageName, espeak: `${espeakLanguage}+${variant}` });

/**
 * Polly's voices for the languages espeak-ng speaks, each given a distinct espeak-ng variant of its gender so two
 * voices of one language sound apart. Polly's neural and standard engines are the same synthesizer here.
 */
export const VOICES: readonly PollyVoice[] = [
  voice('Joanna', 'Female', 'en-US', 'US English', 'en-us', 'f3'),
  voice('Kendra', 'Female', 'en-US', 'US English', 'en-us', 'f2'),
  voice('Kimberly', 'Female', 'en-US', 'US English', 'en-us', 'f1'),
  voice('Salli', 'Female', 'en-US', 'US English', 'en-us', 'f5'),
  voice('Ivy', 'Female', 'en-US', 'US English', 'en-us', 'f4'),
  voice('Matthew', 'Male', 'en-US', 'US English', 'en-us', 'm3'),
  voice('Joey', 'Male', 'en-US', 'US English', 'en-us', 'm1'),
  voice('Justin', 'Male', 'en-US', 'US English', 'en-us', 'm2'),
  voice('Amy', 'Female', 'en-GB', 'British English', 'en-gb', 'f3'),
  voice('Emma', 'Female', 'en-GB', 'British English', 'en-gb', 'f2'),
  voice('Brian', 'Male', 'en-GB', 'British English', 'en-gb', 'm3'),
  voice('Lupe', 'Female', 'es-US', 'US Spanish', 'es-419', 'f3'),
  voice('Penelope', 'Female', 'es-US', 'US Spanish', 'es-419', 'f2'),
  voice('Miguel', 'Male', 'es-US', 'US Spanish', 'es-419', 'm3'),
  voice('Conchita', 'Female', 'es-ES', 'Castilian Spanish', 'es', 'f3'),
  voice('Lucia', 'Female', 'es-ES', 'Castilian Spanish', 'es', 'f2'),
  voice('Enrique', 'Male', 'es-ES', 'Castilian Spanish', 'es', 'm3'),
  voice('Celine', 'Female', 'fr-FR', 'French', 'fr-fr', 'f3'),
  voice('Lea', 'Female', 'fr-FR', 'French', 'fr-fr', 'f2'),
  voice('Mathieu', 'Male', 'fr-FR', 'French', 'fr-fr', 'm3'),
  voice('Marlene', 'Female', 'de-DE', 'German', 'de', 'f3'),
  voice('Vicki', 'Female', 'de-DE', 'German', 'de', 'f2'),
  voice('Hans', 'Male', 'de-DE', 'German', 'de', 'm3'),
  voice('Carla', 'Female', 'it-IT', 'Italian', 'it', 'f3'),
  voice('Giorgio', 'Male', 'it-IT', 'Italian', 'it', 'm3'),
  voice('Camila', 'Female', 'pt-BR', 'Brazilian Portuguese', 'pt-br', 'f3'),
  voice('Ricardo', 'Male', 'pt-BR', 'Brazilian Portuguese', 'pt-br', 'm3'),
  voice('Ines', 'Female', 'pt-PT', 'Portuguese', 'pt', 'f3'),
  voice('Cristiano', 'Male', 'pt-PT', 'Portuguese', 'pt', 'm3'),
  voice('Lotte', 'Female', 'nl-NL', 'Dutch', 'nl', 'f3'),
  voice('Ruben', 'Male', 'nl-NL', 'Dutch', 'nl', 'm3'),
  voice('Ewa', 'Female', 'pl-PL', 'Polish', 'pl', 'f3'),
  voice('Jacek', 'Male', 'pl-PL', 'Polish', 'pl', 'm3'),
  voice('Tatyana', 'Female', 'ru-RU', 'Russian', 'ru', 'f3'),
  voice('Maxim', 'Male', 'ru-RU', 'Russian', 'ru', 'm3'),
  voice('Astrid', 'Female', 'sv-SE', 'Swedish', 'sv', 'f3'),
  voice('Liv', 'Female', 'nb-NO', 'Norwegian', 'nb', 'f3'),
  voice('Naja', 'Female', 'da-DK', 'Danish', 'da', 'f3'),
  voice('Filiz', 'Female', 'tr-TR', 'Turkish', 'tr', 'f3'),
  voice('Mizuki', 'Female', 'ja-JP', 'Japanese', 'ja', 'f3'),
  voice('Takumi', 'Male', 'ja-JP', 'Japanese', 'ja', 'm3'),
  voice('Seoyeon', 'Female', 'ko-KR', 'Korean', 'ko', 'f3'),
  voice('Zhiyu', 'Female', 'cmn-CN', 'Chinese Mandarin', 'cmn', 'f3'),
  voice('Zeina', 'Female', 'arb', 'Arabic', 'ar', 'f3'),
];
