import { runAsyncTestMonitor, runAsyncTestStart, runSyncTest } from './operator';

/*
 * The original's test functions, one export per handler of `source/operators/test/test.py`
 * (`video_sync_ok_lambda_handler` → `videoSyncOk`, …). None needs any AWS access or environment. They are
 * async because the Node.js runtime ignores what a synchronous handler returns.
 */
export const videoSyncOk = async (event: unknown) => runSyncTest(event, 'Video', 'ok');
export const videoSyncFail = async (event: unknown) => runSyncTest(event, 'Video', 'fail');
export const videoAsyncOk = async (event: unknown) => runAsyncTestStart(event, 'Video');
export const videoAsyncOkMonitor = async (event: unknown) => runAsyncTestMonitor(event, 'Video', 'ok');
export const videoAsyncFailMonitor = async (event: unknown) => runAsyncTestMonitor(event, 'Video', 'fail');
export const audioSyncOk = async (event: unknown) => runSyncTest(event, 'Audio', 'ok');
export const audioAsyncOk = async (event: unknown) => runAsyncTestStart(event, 'Audio');
export const audioAsyncOkMonitor = async (event: unknown) => runAsyncTestMonitor(event, 'Audio', 'ok');
export const imageSyncOk = async (event: unknown) => runSyncTest(event, 'Image', 'ok');
export const imageAsyncOk = async (event: unknown) => runAsyncTestStart(event, 'Image');
export const imageAsyncOkMonitor = async (event: unknown) => runAsyncTestMonitor(event, 'Image', 'ok');
export const textSyncOk = async (event: unknown) => runSyncTest(event, 'Text', 'ok');
export const textAsyncOk = async (event: unknown) => runAsyncTestStart(event, 'Text');
export const textAsyncOkMonitor = async (event: unknown) => runAsyncTestMonitor(event, 'Text', 'ok');
