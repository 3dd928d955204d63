import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../clients';
import { documentClient } from '../tables/document-client';
import { StreamTable } from '../tables/streams';
import { parseStreamConfig } from '../domain/config-validation';
import { superviseStreams } from './supervisor';

const tableName = process.env.STREAM_TABLE_NAME ?? '';
const stateMachineArn = process.env.CONSUMER_STATE_MACHINE_ARN ?? '';
const streams = (JSON.parse(process.env.CONFIGURED_STREAMS ?? '[]') as unknown[]).map(parseStreamConfig);
const store = new StreamTable(documentClient, tableName);

/** Scheduled: starts the consumer loop of each configured stream that has none running. */
export const handler = async () =>
  superviseStreams(
    streams,
    {
      lease: (streamName) => store.read(streamName),
      startConsumer: async (config, name) => {
        const output = await sfnClient.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ config }) }),
        );
        return output.executionArn ?? '';
      },
    },
    Date.now(),
  );
