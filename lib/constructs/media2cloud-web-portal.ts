import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';

/** The original's user groups, highest precedence first: who may manage users, who may ingest, who may look. */
export const WEB_PORTAL_GROUPS = [
  { name: 'admin', precedence: 1, description: 'Administrators: view, upload and process assets, manage users' },
  { name: 'creator', precedence: 98, description: 'Creators: view, upload and process assets' },
  { name: 'viewer', precedence: 99, description: 'Viewers: view assets' },
] as const;

/**
 * What the original's web portal signs in to and listens on: the Cognito user pool of its users (in the original's
 * three groups) and the AWS IoT policy the API attaches to a signed-in identity for status messages on
 * `<stack>/status`. The API manages users and attaches the policy (`grantApi`).
 */
export class Media2CloudWebPortal extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly statusPolicy: iot.CfnPolicy;
  /** The MQTT topic status messages are published on. */
  public readonly statusTopic: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    // Users are invited by an administrator (`POST /users`), never sign themselves up.
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          "MFA is optional (TOTP), as in the original: its web portal's sign-in asks for a password only, so " +
          'required MFA would lock invited users out.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan is billed per monthly active user; a handful of invited operators do not need ' +
          'its threat protection, and an owner who wants it sets the plan on the pool.',
      },
    );
    for (const group of WEB_PORTAL_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `${group.name[0]!.toUpperCase()}${group.name.slice(1)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group.name,
        precedence: group.precedence,
        description: group.description,
      });
    }

    this.statusTopic = `${stack.stackName}/status`;
    this.statusPolicy = new iot.CfnPolicy(this, 'StatusPolicy', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iot:Connect',
            Resource: stack.formatArn({ service: 'iot', resource: 'client/*' }),
          },
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: stack.formatArn({ service: 'iot', resource: `topicfilter/${this.statusTopic}` }),
          },
          {
            Effect: 'Allow',
            Action: 'iot:Receive',
            Resource: stack.formatArn({ service: 'iot', resource: `topic/${this.statusTopic}` }),
          },
        ],
      },
    });
  }

  /** What the API function does here: list, add and remove users; attach the status policy. */
  grantApi(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'cognito-idp:ListUsers',
          'cognito-idp:AdminListGroupsForUser',
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminDeleteUser',
        ],
        resources: [this.userPool.userPoolArn],
      }),
    );
    // AttachPolicy to a Cognito identity names no resource IAM can scope it to (only certificates and thing groups).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iot:AttachPolicy'], resources: ['*'] }));
  }
}
