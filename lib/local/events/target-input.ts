/** How a rule target shapes what it receives, as in `AWS::Events::Rule` Target. At most one is set; none = the event. */
export interface TargetInputSpec {
  /** A JSON text delivered as is, instead of the event. */
  readonly input?: string;
  /** A JSONPath into the event; the value there is delivered. */
  readonly inputPath?: string;
  readonly inputTransformer?: {
    readonly inputPathsMap?: Readonly<Record<string, string>>;
    readonly inputTemplate: string;
  };
}

/** What EventBridge knows besides the event when it renders an input template. */
export interface TargetInputContext {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly ingestionTime: string;
}

/** The payload a target receives for `event`: the event, the `Input`, the `InputPath` value or the rendered template. */
export function targetPayload(spec: TargetInputSpec, event: unknown, context: TargetInputContext): unknown {
  if (spec.input !== undefined) return parseOrText(spec.input);
  if (spec.inputPath !== undefined) return readJsonPath(event, spec.inputPath) ?? null;
  if (spec.inputTransformer) return parseOrText(renderInputTemplate(spec.inputTransformer, event, context));
  return event;
}

/**
 * Replaces each `<name>` of the template with the value its InputPathsMap path reads from the event, or with one of
 * EventBridge's predefined variables. Inside a JSON string a value is inserted as text; elsewhere as JSON, which is
 * how `RuleTargetInput.fromObject` with `EventField`s renders (`{"status":<detail-status>}`).
 */
export function renderInputTemplate(
  transformer: NonNullable<TargetInputSpec['inputTransformer']>,
  event: unknown,
  context: TargetInputContext,
): string {
  const variables = new Map<string, unknown>([
    ['aws.events.rule-arn', context.ruleArn],
    ['aws.events.rule-name', context.ruleName],
    ['aws.events.event.ingestion-time', context.ingestionTime],
    ['aws.events.event', event],
    ['aws.events.event.json', event],
  ]);
  for (const [name, path] of Object.entries(transformer.inputPathsMap ?? {})) {
    variables.set(name, readJsonPath(event, path));
  }
  const template = transformer.inputTemplate;
  let output = '';
  let inString = false;
  for (let index = 0; index < template.length; index++) {
    const character = template[index] as string;
    if (character === '\\' && inString) {
      output += template.slice(index, index + 2);
      index++;
      continue;
    }
    if (character === '"') inString = !inString;
    const close = character === '<' ? template.indexOf('>', index) : -1;
    const name = close > index ? template.slice(index + 1, close) : undefined;
    if (name === undefined || !variables.has(name)) {
      output += character;
      continue;
    }
    const value = variables.get(name) ?? null;
    output += inString ? stringContent(value) : JSON.stringify(value);
    index = close;
  }
  return output;
}

/** Reads `$`, `$.a.b`, `$.a[0]` and `$['a-b']` paths; `undefined` where the event has nothing. */
export function readJsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  const segments = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  let current = value;
  let consumed = 1;
  for (let match = segments.exec(path); match; match = segments.exec(path)) {
    if (match.index !== consumed) return undefined;
    consumed = match.index + match[0].length;
    const key = match[1] ?? match[3] ?? match[4];
    if (key !== undefined) {
      current =
        typeof current === 'object' && current !== null && !Array.isArray(current)
          ? (current as Record<string, unknown>)[key]
          : undefined;
    } else {
      current = Array.isArray(current) ? current[Number(match[2])] : undefined;
    }
    if (current === undefined) return undefined;
  }
  return consumed === path.length ? current : undefined;
}

function stringContent(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text).slice(1, -1);
}

/** A Lambda target receives the text as its payload; a JSON text arrives as the value it encodes. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
