import { apiGatewayModule } from './apigateway/module';
import { cloudWatchModule } from './cloudwatch/module';
import { bedrockModule } from './bedrock/module';
import { kmsModule } from './kms/module';
import { cloudFormationModule } from './cloudformation/module';
import { cognitoModule } from './cognito/module';
import { comprehendModule } from './comprehend/module';
import { dynamoDbModule } from './dynamodb/module';
import { eventsModule } from './events/module';
import { iamModule } from './iam/module';
import { iotModule } from './iot/module';
import { kinesisVideoModule } from './kinesisvideo/module';
import { lambdaModule } from './lambda/module';
import { logsModule } from './logs/module';
import { mediaConvertModule } from './mediaconvert/module';
import { mediaPackageModule } from './mediapackage/module';
import { s3Module } from './s3/module';
import { snsModule } from './sns/module';
import { sqsModule } from './sqs/module';
import { ResourceTypes } from './resource-types';
import type { LocalServiceModule } from './service-module';
import { rekognitionModule } from './rekognition/module';
import { pollyModule } from './polly/module';
import { openSearchModule } from './search/module';
import { stepFunctionsModule } from './stepfunctions/module';
import { stsModule } from './sts/module';
import { textractModule } from './textract/module';
import { transcribeModule } from './transcribe/module';
import { translateModule } from './translate/module';

/**
 * Every AWS service local mode provides, in port order: a module that listens takes `MEDIAPLANE_PORT` plus the number
 * of listening modules before it (the API endpoint first). Append new services at the end so existing ports stay
 * where users and their scripts expect them; the README's port table lists them in this order.
 *
 * Modules start in this order and their `deployed` hooks run in it. The event bus comes first: other services emit
 * events from their start on (Step Functions fails the executions a restart interrupted), and the bus holds them
 * until its rules are added, which needs only the functions and state machines the deploy phase created.
 */
export const SERVICE_MODULES: readonly LocalServiceModule[] = [
  eventsModule,
  apiGatewayModule,
  dynamoDbModule,
  s3Module,
  stepFunctionsModule,
  openSearchModule,
  lambdaModule,
  cloudFormationModule,
  iamModule,
  logsModule,
  stsModule,
  mediaPackageModule,
  kinesisVideoModule,
  cloudWatchModule,
  snsModule,
  rekognitionModule,
  textractModule,
  mediaConvertModule,
  transcribeModule,
  comprehendModule,
  translateModule,
  pollyModule,
  sqsModule,
  cognitoModule,
  iotModule,
  bedrockModule,
  kmsModule,
];

/** Which module owns each resource type, for every module above. */
export const LOCAL_RESOURCE_TYPES = new ResourceTypes(SERVICE_MODULES);
