import { createWorkerPorts } from '../adapters';
import { loadConfig } from '../config';
import { OrchestrationTasks, type WorkerTask } from './tasks';

const config = loadConfig();
const tasks = new OrchestrationTasks({
  ...createWorkerPorts(config),
  cloudEnv: config.cloudEnv,
  now: () => new Date(),
});

/** Each step of the packager orchestration state machine, and the creation callback the API hands over. */
export const handler = (event: WorkerTask): Promise<unknown> => tasks.run(event);
