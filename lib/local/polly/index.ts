export { pollyModule, pollyModuleWith, type PollyService } from './module';
export { LocalPolly } from './service';
export { SpeechSynthesizer } from './synthesizer';
export { VOICES } from './voices';
