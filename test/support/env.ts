// Tests run on Node 20; the AWS SDK's notice about its future Node 22 requirement is noise in every suite.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
