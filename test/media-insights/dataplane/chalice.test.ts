import {
  BadRequestError,
  InternalServerError,
  NotFoundError,
  UnsupportedMediaTypeError,
  toApiRequest,
} from '../../../lambdas/shared/http';
import {
  chaliceText,
  formatChaliceError,
  requireJsonContentType,
} from '../../../lambdas/media-insights/dataplane/chalice';
import { ChaliceViewError } from '../../../lambdas/media-insights/dataplane/domain/errors';
import { apiEvent } from './support';

describe('formatChaliceError', () => {
  it.each([
    [new BadRequestError('bad'), 400, 'BadRequestError'],
    [new NotFoundError('gone'), 404, 'NotFoundError'],
    [new ChaliceViewError('ours'), 500, 'ChaliceViewError'],
  ])('answers %p with its status and {Code, Message}', (error, statusCode, code) => {
    // Prepare: the error

    // Act
    const response = formatChaliceError(error);

    // Assess
    expect(response.statusCode).toBe(statusCode);
    expect(JSON.parse(response.body)).toEqual({ Code: code, Message: error.message });
  });

  it("answers an unhandled failure with chalice's own generic body", () => {
    // Prepare
    const error = new InternalServerError('An internal error occurred');

    // Act
    const response = formatChaliceError(error);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe('{"Code":"InternalServerError","Message":"An internal server error occurred."}');
  });
});

describe('chaliceText', () => {
  it('sends a string as the raw body, not as a JSON string, labelled application/json', () => {
    // Prepare
    const text = 'Deleted asset: a1 from the dataplane';

    // Act
    const response = chaliceText(text);

    // Assess
    expect(response).toEqual({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: text });
  });
});

describe('requireJsonContentType', () => {
  it.each([[undefined], ['application/json'], ['application/json; charset=UTF-8'], ['Application/JSON'], ['*/*']])(
    'accepts Content-Type %p',
    (contentType) => {
      // Prepare
      const event = apiEvent({ resource: '/create', method: 'POST', body: '{}' });
      delete event.headers['Content-Type'];
      if (contentType !== undefined) event.headers['Content-Type'] = contentType;

      // Act
      const act = () => requireJsonContentType(toApiRequest(event));

      // Assess
      expect(act).not.toThrow();
    },
  );

  it("refuses another media type with chalice's 415 UnsupportedMediaType", () => {
    // Prepare
    const event = apiEvent({
      resource: '/create',
      method: 'POST',
      body: 'a=b',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

    // Act
    let thrown: unknown;
    try {
      requireJsonContentType(toApiRequest(event));
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(thrown).toMatchObject({
      statusCode: 415,
      code: 'UnsupportedMediaType',
      message: 'Unsupported media type: application/x-www-form-urlencoded',
    });
  });
});
