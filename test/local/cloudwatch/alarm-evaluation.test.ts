import {
  evaluate,
  evaluationRange,
  type AlarmSettings,
  type AlarmState,
  type Datapoint,
  type TreatMissingData,
} from '../../../lib/local/cloudwatch/alarm-evaluation';

const PERIOD_MS = 300_000;

function settings(overrides: Partial<AlarmSettings> = {}): AlarmSettings {
  return {
    statistic: 'Maximum',
    periodSeconds: PERIOD_MS / 1000,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    threshold: 3,
    treatMissingData: 'missing',
    ...overrides,
  };
}

/** The guide's notation, oldest first: `0` does not breach, `X` breaches, `-` is missing. */
function range(notation: string): Array<Datapoint | undefined> {
  return notation.split(' ').map((symbol, index) => {
    if (symbol === '-') return undefined;
    const breaching = symbol === 'X';
    return { timestamp: index * PERIOD_MS, value: breaching ? 5 : 0, breaching };
  });
}

const RETAIN = 'retain current state';
type Expected = AlarmState | typeof RETAIN;

/** The two example tables of the CloudWatch user guide ("How alarm state is evaluated when data is missing"). */
const GUIDE_TABLES: ReadonlyArray<readonly [number, string, Expected, Expected, Expected, Expected]> = [
  // M of 3  data points    missing              ignore               breaching  notBreaching
  [3, '0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  [3, '0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  [3, '- - - - -', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
  [3, '0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  [3, '- - - - X', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
  [3, 'X - - - -', 'ALARM', RETAIN, 'ALARM', 'OK'],
  [2, '0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  [2, '0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  [2, '0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  [2, '- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  [2, '- - - - X', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
];

const TREATMENTS: readonly TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

describe('alarm evaluation', () => {
  describe.each(GUIDE_TABLES)('%i out of 3 on %s', (m, notation, ...expected) => {
    it.each(TREATMENTS.map((treatment, index) => [treatment, expected[index]] as const))(
      'with %s missing data: %s',
      (treatMissingData, state) => {
        // Act
        const result = evaluate(settings({ datapointsToAlarm: m, treatMissingData }), range(notation));

        // Assess
        expect(result.state ?? RETAIN).toBe(state);
      },
    );
  });

  it("aggregates each period's samples with the statistic, periods aligned on the epoch", () => {
    // Prepare: two samples in the current period (started at 600 000 ms), one in the previous, none before.
    const errors = settings({ statistic: 'Sum', evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 3 });
    const samples = [
      { timestamp: 310_000, value: 1 },
      { timestamp: 600_000, value: 1 },
      { timestamp: 899_999, value: 1 },
    ];

    // Act
    const datapoints = evaluationRange(errors, samples, 899_999);

    // Assess
    expect(datapoints).toEqual([
      undefined,
      { timestamp: 300_000, value: 1, breaching: false },
      { timestamp: 600_000, value: 2, breaching: false },
    ]);
  });

  it('judges the most recent EvaluationPeriods real datapoints when there are enough, whatever came before', () => {
    // Prepare: 2 out of 3 with the threshold crossed only in the oldest period of the range.
    const alarm = settings({ statistic: 'Average', datapointsToAlarm: 2, threshold: 10 });
    const samples = [0, 1, 2, 3, 4].flatMap((period) => [
      { timestamp: period * PERIOD_MS, value: period === 0 ? 20 : 1 },
      { timestamp: period * PERIOD_MS + 1, value: period === 0 ? 30 : 3 },
    ]);

    // Act
    const result = evaluate(alarm, evaluationRange(alarm, samples, 4 * PERIOD_MS + 2));

    // Assess
    expect(result.state).toBe('OK');
    expect(result.datapoints.map((datapoint) => datapoint.value)).toEqual([2, 2, 2]);
  });
});
