import { mediaAnalyzer } from '../../../shared/media/mediainfo';

/**
 * MediaInfoLib's full `OLDXML` report: pymediainfo, which the original operator uses, reads that one, and the
 * operator stores what pymediainfo makes of it.
 */
export const analyzeMedia = mediaAnalyzer({ format: 'OLDXML', full: true });
