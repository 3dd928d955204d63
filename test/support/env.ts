// Tests run on Node 20; the AWS SDK's notice about its future Node 22 requirement is noise in every suite.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Several suites each run a local Rekognition at once; a second model process per suite would only load every model
// again (a few CPU-seconds and hundreds of MB each) on a machine whose cores are already busy.
process.env.MEDIAPLANE_MODEL_PROCESSES ??= '1';
