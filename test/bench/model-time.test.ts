import { busyMs, modelRuns, totalMs } from '../../bench/model-time';

describe('model run times from analysis records', () => {
  const records = [
    {
      type: 'video',
      startTime: 0,
      endTime: 100,
      rekognition: {
        label: { output: 'a', startTime: 10, endTime: 40 },
        text: { output: 'b', startTime: 20, endTime: 50 },
      },
      tags: { startTime: 0, endTime: 90 },
    },
    {
      type: 'audio',
      transcribe: { jobId: 'j', startTime: 60, endTime: 70 },
      comprehend: { keyphrase: { startTime: 75, endTime: 80 }, entity: { startTime: 75, endTime: 78 } },
    },
  ];

  it('reads each AI feature with its interval and leaves out the records and mediaplane analyzers', () => {
    expect(modelRuns(records).map((run) => `${run.record}:${run.feature}`)).toEqual([
      'video:rekognition.label',
      'video:rekognition.text',
      'audio:transcribe',
      'audio:comprehend.keyphrase',
      'audio:comprehend.entity',
    ]);
  });

  it('adds the durations up, and counts overlapping runs once for the busy time', () => {
    const runs = modelRuns(records);

    expect(totalMs(runs)).toBe(30 + 30 + 10 + 5 + 3);
    expect(busyMs(runs)).toBe(40 + 10 + 5);
    expect(busyMs([])).toBe(0);
  });
});
