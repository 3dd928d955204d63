import { ok, type RouteHandler } from '../../shared/http';
import type { Media2CloudRouteKey } from '../routes';
import type { AiCustomizations } from './domain/customizations';

type CustomizationRouteKey = Extract<
  Media2CloudRouteKey,
  | 'GET /transcribe/custom-vocabularies'
  | 'GET /transcribe/custom-language-models'
  | 'GET /comprehend/custom-entity-recognizers'
>;

/** The custom AI resources the web app offers in its analysis settings. */
export function createCustomizationRoutes(
  customizations: AiCustomizations,
): Readonly<Record<CustomizationRouteKey, RouteHandler>> {
  return {
    'GET /transcribe/custom-vocabularies': async () => ok(await customizations.vocabularies()),
    'GET /transcribe/custom-language-models': async () => ok(await customizations.languageModels()),
    'GET /comprehend/custom-entity-recognizers': async () => ok(await customizations.entityRecognizers()),
  };
}
