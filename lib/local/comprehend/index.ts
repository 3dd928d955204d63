export { comprehendModule, type ComprehendService } from './module';
export { detectDominantLanguage, detectEntities, detectKeyPhrases, detectSentiment } from './models';
export { LocalComprehend } from './service';
