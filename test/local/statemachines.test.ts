import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { findDefinitionProblems } from '../../lib/local/stepfunctions';

const DIRECTORY = path.join(PROJECT_ROOT, 'statemachines');
const DEFINITION_SUFFIX = '.asl.json';
// Files that document the directory rather than define a state machine.
const DOCUMENTATION = new Set(['README.md']);

const files = fs.existsSync(DIRECTORY) ? fs.readdirSync(DIRECTORY).sort() : [];
const definitionFiles = files.filter((file) => file.endsWith(DEFINITION_SUFFIX));

/** Why local mode could not run a definition file: not JSON, or what the local Step Functions service refuses. */
function problemsOf(text: string): string[] {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  return findDefinitionProblems(definition);
}

describe('statemachines/', () => {
  it('catches what local mode cannot run with the very check every definition file goes through', () => {
    const runnable = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: '${WorkerArn}', End: true } } };
    const jsonata = { QueryLanguage: 'JSONata', StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
    const variables = { StartAt: 'Keep', States: { Keep: { Type: 'Pass', Assign: { x: 1 }, End: true } } };

    expect(problemsOf(JSON.stringify(runnable))).toEqual([]);
    expect(problemsOf(JSON.stringify(jsonata))).not.toEqual([]);
    expect(problemsOf(JSON.stringify(variables))).not.toEqual([]);
    expect(problemsOf('{"StartAt": ')).toEqual([expect.stringMatching(/^not JSON/)]);
  });

  it('holds nothing but *.asl.json definitions and its README, so no definition escapes the check', () => {
    const strays = files.filter((file) => !file.endsWith(DEFINITION_SUFFIX) && !DOCUMENTATION.has(file));

    expect(strays).toEqual([]);
  });

  for (const file of definitionFiles) {
    it(`${file} is JSON that local mode can run (JSONPath only, no JSONata, Assign or Distributed Map)`, () => {
      const text = fs.readFileSync(path.join(DIRECTORY, file), 'utf8');

      expect(problemsOf(text)).toEqual([]);
    });
  }
});
