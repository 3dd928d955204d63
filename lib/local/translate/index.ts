export { translateModule, translateModuleWith, type TranslateService } from './module';
export { ApertiumTranslator } from './engine';
export { LocalTranslate, TRANSLATE_LANGUAGES } from './service';
