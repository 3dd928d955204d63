'use strict';
// Runs inside a worker thread: loads one function's bundle with that function's environment and serves
// invocations one at a time, as a Lambda execution environment does. Plain JavaScript so it needs no loader.
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');

const { codeDir, handler, functionName, memorySize, functionArn } = workerData;
const lastDot = handler.lastIndexOf('.');
const modulePath = path.join(codeDir, handler.slice(0, lastDot));
const exportName = handler.slice(lastDot + 1);

let handlerFn;
let initError;
try {
  const mod = require(modulePath);
  handlerFn = mod[exportName];
  if (typeof handlerFn !== 'function') {
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: `${handler} is undefined or not exported` };
  }
} catch (error) {
  initError = toLambdaError(error, 'Runtime.ImportModuleError');
}
// Init is over (a failed one too: invocations get its error): the runtime may send invocations.
parentPort.postMessage({ ready: true });

parentPort.on('message', async ({ id, event, requestId, deadline }) => {
  if (initError) {
    parentPort.postMessage({ id, error: initError });
    return;
  }
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const result = await new Promise((resolve, reject) => {
      const maybe = handlerFn(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
    });
    parentPort.postMessage({ id, result: result === undefined ? null : result });
  } catch (error) {
    parentPort.postMessage({ id, error: toLambdaError(error, 'Error') });
  }
});

function toLambdaError(error, fallbackType) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : fallbackType,
      errorMessage: error.message,
      trace: (error.stack || '').split('\n'),
    };
  }
  return { errorType: fallbackType, errorMessage: String(error), trace: [] };
}
