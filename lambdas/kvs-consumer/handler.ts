import type { Context } from 'aws-lambda';
import { backendLogger, withLogContext } from '../shared/logging';
import { awsDependencies } from './adapters';
import { consumerConfig } from './config';
import { consume } from './domain/consumer';
import { parseConsumerInput, nextState } from './domain/invocation';

const logger = backendLogger('kvs-consumer');
const config = consumerConfig();
const deps = awsDependencies(config, logger);

/** One turn of a stream's consumer loop (the KvsConsumer state machine's Consume task). */
export const handler = withLogContext(logger, async (event: unknown, context: Context) => {
  const input = parseConsumerInput(event);
  const lambdaDeadline = Date.now() + context.getRemainingTimeInMillis() - config.stopBeforeDeadlineMs;
  const deadlineMs = Math.min(lambdaDeadline, input.maxRunSeconds ? Date.now() + input.maxRunSeconds * 1000 : Infinity);
  const result = await consume({ config: input.config, owner: input.consumerId, deadlineMs }, deps);
  logger.info('Consumer turn ended', { streamName: input.config.streamName, ...result });
  return nextState(input, result, config.pollSeconds);
});
