import { EmbeddedMetrics } from '../../../lambdas/kvs-consumer/adapters/emf-metrics';
import { embeddedMetrics } from '../../../lib/local/cloudwatch/embedded-metrics';

describe('embedded metric format extraction', () => {
  it("reads the KVS consumer's lines as CloudWatch Logs does: each value under its namespace and dimensions", () => {
    // Prepare
    const lines: string[] = [];
    const consumer = new EmbeddedMetrics('Mediaplane/KvsConsumer', (line) => lines.push(line));
    consumer.fragment('front-door', { bytes: 2048, millisBehindNow: 400, gapMs: 0 });
    consumer.fragment('front-door', { bytes: 1024, millisBehindNow: 300_001, gapMs: 1500 });
    consumer.flush();

    // Act
    const samples = lines.flatMap(embeddedMetrics);

    // Assess
    const dimensions = { StreamName: 'front-door' };
    const valuesOf = (metricName: string) =>
      samples
        .filter((sample) => sample.metric.metricName === metricName)
        .map((sample) => {
          expect(sample.metric).toEqual({ namespace: 'Mediaplane/KvsConsumer', metricName, dimensions });
          return sample.value;
        });
    expect(valuesOf('MillisBehindNow')).toEqual([400, 300_001]);
    expect(valuesOf('FragmentsArchived')).toEqual([2]);
    expect(valuesOf('FragmentGaps')).toEqual([1]);
  });

  it('takes nothing from ordinary log lines, or from a directive naming a dimension the document lacks', () => {
    // Prepare
    const missingDimension = JSON.stringify({
      _aws: {
        Timestamp: 0,
        CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['StreamName']], Metrics: [{ Name: 'M' }] }],
      },
      M: 1,
    });

    // Act
    const samples = ['{"level":"INFO","message":"CloudWatchMetrics"}', 'plain text', missingDimension].flatMap(
      embeddedMetrics,
    );

    // Assess
    expect(samples).toEqual([]);
  });
});
