import * as testHandlers from '../../../lambdas/media-insights/operators/test-operators/handler';
import type { OperatorObject } from '../../../lambdas/media-insights/workflow/domain/types';
import { operatorEvent } from './support';

/** Calls a monitor the way the engine does: each call gets what the previous call returned. */
async function pollUntilSettled(
  monitor: (event: unknown) => Promise<OperatorObject>,
  started: OperatorObject,
): Promise<{ output: OperatorObject; polls: number }> {
  let output = started;
  let polls = 0;
  while (output.Status === 'Executing' && polls < 10) {
    output = await monitor(output);
    polls += 1;
  }
  return { output, polls };
}

describe('test operators', () => {
  it('completes a sync operation with its metadata and a made-up media object of its type', async () => {
    // Prepare
    const event = operatorEvent({ Name: 'video-test-sync' });

    // Act
    const output = await testHandlers.videoSyncOk(event);

    // Assess
    expect(output).toEqual({
      ...event,
      Status: 'Complete',
      MetaData: { 'video-test-sync': { Meta: 'Workflow metadata for video-test-sync' } },
      Media: { Video: { S3Bucket: 'S3BucketFromvideo-test-sync', S3Key: 'S3/Key/From/video-test-sync/video' } },
    });
  });

  it('returns, not raises, status Error from the failing sync operation', async () => {
    // Act
    const output = await testHandlers.videoSyncFail(operatorEvent({ Name: 'video-test-sync-fail' }));

    // Assess
    expect(output.Status).toBe('Error');
    expect(output.MetaData['video-test-sync-fail']).toEqual({ Meta: 'Workflow metadata for video-test-sync-fail' });
  });

  it('carries TestCustomConfig into its metadata and OutputMediaType into its media', async () => {
    // Prepare
    const event = operatorEvent({
      Name: 'text-test-sync',
      Configuration: { MediaType: 'Text', Enabled: true, TestCustomConfig: { Depth: 2 }, OutputMediaType: 'Audio' },
    });

    // Act
    const output = await testHandlers.textSyncOk(event);

    // Assess
    expect(output.MetaData).toEqual({
      'text-test-sync': { Meta: 'Workflow metadata for text-test-sync', TestCustomConfig: { Depth: 2 } },
    });
    expect(output.Media).toEqual({
      Audio: { S3Bucket: 'S3BucketFromtext-test-sync', S3Key: 'S3/Key/From/text-test-sync/audio' },
    });
  });

  it('adds no media when OutputMediaType is not a media type', async () => {
    // Act
    const output = await testHandlers.imageSyncOk(
      operatorEvent({
        Name: 'image-test-sync',
        Configuration: { MediaType: 'Image', Enabled: true, OutputMediaType: 'None' },
      }),
    );

    // Assess
    expect(output.Media).toEqual({});
  });

  it('starts an async operation as Executing and completes it at the first monitor call by default', async () => {
    // Prepare
    const event = operatorEvent({ Name: 'audio-test-async', Configuration: { MediaType: 'Audio', Enabled: true } });

    // Act
    const started = await testHandlers.audioAsyncOk(event);
    const { output, polls } = await pollUntilSettled(testHandlers.audioAsyncOkMonitor, started);

    // Assess
    expect(started.Status).toBe('Executing');
    expect(polls).toBe(1);
    expect(output.Status).toBe('Complete');
    expect(output.Media).toEqual({
      Audio: { S3Bucket: 'S3BucketFromaudio-test-async', S3Key: 'S3/Key/From/audio-test-async/audio' },
    });
  });

  it('keeps an async operation Executing for TestMonitorPolls monitor calls', async () => {
    // Prepare
    const event = operatorEvent({
      Name: 'video-test-async',
      Configuration: { MediaType: 'Video', Enabled: true, TestMonitorPolls: 3 },
    });

    // Act
    const { output, polls } = await pollUntilSettled(
      testHandlers.videoAsyncOkMonitor,
      await testHandlers.videoAsyncOk(event),
    );

    // Assess
    expect(polls).toBe(3);
    expect(output.Status).toBe('Complete');
    expect(output.MetaData['video-test-async']).toEqual({
      Meta: 'Workflow metadata for video-test-async',
      MonitorPolls: 3,
    });
  });

  it('ends the failing async operation in status Error after its monitor calls', async () => {
    // Prepare
    const event = operatorEvent({
      Name: 'video-test-async-fail',
      Configuration: { MediaType: 'Video', Enabled: true, TestMonitorPolls: 2 },
    });

    // Act
    const { output, polls } = await pollUntilSettled(
      testHandlers.videoAsyncFailMonitor,
      await testHandlers.videoAsyncOk(event),
    );

    // Assess
    expect(polls).toBe(2);
    expect(output.Status).toBe('Error');
  });
});
