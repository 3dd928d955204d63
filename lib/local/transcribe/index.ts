export { transcribeModule, transcribeModuleWith, type TranscribeService } from './module';
export { parsePocketsphinx, SpeechRecognizer, SPEECH_PACKAGES } from './recognizer';
export { LocalTranscribe, parseVocabularyFile } from './service';
export { shapeTranscript, transcriptText } from './transcript';
