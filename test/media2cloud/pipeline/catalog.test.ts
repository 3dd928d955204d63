import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../lib/project-root';
import { findDefinitionProblems } from '../../../lib/local/stepfunctions';
import { PIPELINE_FUNCTIONS, PIPELINE_STATE_MACHINES } from '../../../lambdas/media2cloud/pipeline/catalog';
import { bundleFiles } from '../../../lambdas/shared/media/function-spec';

const substitutionsIn = (file: string) =>
  [...readFileSync(path.join(PROJECT_ROOT, file), 'utf8').matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]!);

describe('pipeline catalog', () => {
  it('lists every m2c-*.asl.json file of statemachines/', () => {
    const files = readdirSync(path.join(PROJECT_ROOT, 'statemachines')).filter((file) =>
      /^m2c-.*\.asl\.json$/.test(file),
    );

    expect(PIPELINE_STATE_MACHINES.map((machine) => path.basename(machine.file)).sort()).toEqual(files.sort());
  });

  for (const machine of PIPELINE_STATE_MACHINES) {
    it(`names exactly the substitutions ${machine.file} uses, each to a function or state machine it lists`, () => {
      const used = [...new Set(substitutionsIn(machine.file))].sort();
      const functionIds = new Set(PIPELINE_FUNCTIONS.map((fn) => fn.id));
      const machineIds = new Set(PIPELINE_STATE_MACHINES.map((each) => each.id));

      expect(Object.keys(machine.substitutions).sort()).toEqual(used);
      for (const [name, source] of Object.entries(machine.substitutions)) {
        if ('function' in source) {
          expect(functionIds.has(source.function)).toBe(true);
          expect(PIPELINE_FUNCTIONS.find((fn) => fn.id === source.function)?.substitution).toBe(name);
        } else {
          expect(machineIds.has(source.stateMachine)).toBe(true);
          expect(PIPELINE_STATE_MACHINES.find((each) => each.id === source.stateMachine)?.substitution).toBe(name);
        }
      }
    });

    it(`${machine.file} is runnable locally once its substitutions are filled with ARNs`, () => {
      const resolved = readFileSync(path.join(PROJECT_ROOT, machine.file), 'utf8').replace(
        /\$\{(\w+)\}/g,
        (_, name: string) =>
          name.endsWith('FunctionArn')
            ? `arn:aws:lambda:us-east-1:000000000000:function:${name}`
            : `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`,
      );

      expect(findDefinitionProblems(resolved, { requireResolvedArns: true })).toEqual([]);
    });
  }

  it('gives each function a unique id and substitution', () => {
    const ids = PIPELINE_FUNCTIONS.map((fn) => fn.id);
    const substitutions = PIPELINE_FUNCTIONS.flatMap((fn) => (fn.substitution ? [fn.substitution] : []));

    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(substitutions).size).toBe(substitutions.length);
  });

  for (const fn of PIPELINE_FUNCTIONS) {
    it(`${fn.id}: ${fn.entry} exports ${fn.handler}, and the files it copies exist`, async () => {
      const module = (await import(path.join(PROJECT_ROOT, 'lambdas', fn.entry))) as Record<string, unknown>;

      expect(typeof module[fn.handler]).toBe('function');
      for (const source of Object.keys(bundleFiles(fn))) expect(existsSync(path.join(PROJECT_ROOT, source))).toBe(true);
      // ffmpeg comes in the stack's layer (see MediaFunction), never in a bundle.
      expect(Object.values(bundleFiles(fn))).not.toContain('bin/ffmpeg');
    });
  }
});
