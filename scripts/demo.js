#!/usr/bin/env node
// `npm run demo` (with `npm run dev` running in another terminal): creates the worker type
// `demo` with an AMI the local EC2 (moto) has, and sets 3 pending tasks for it on the local
// Queue, so the provisioning loop launches instances you can watch in the Temporal UI.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { EC2Client, DescribeImagesCommand } = require('@aws-sdk/client-ec2');
const taskcluster = require('taskcluster-client');

const dataDir = process.env.DATA_DIR || path.join(__dirname, '..', '.data');
const read = (file) => fs.readFileSync(path.join(dataDir, file), 'utf8').trim();

async function main() {
  const endpoints = JSON.parse(read('dev-endpoints.json'));
  if (!endpoints.ec2 || !endpoints.queue) throw new Error('the demo needs dev mode with the local EC2 and Queue (unset AWS credentials and TASKCLUSTER_ROOT_URL)');
  const region = 'us-west-2';
  const ec2 = new EC2Client({ region, endpoint: endpoints.ec2, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
  const ami = images.Images.find((i) => i.PlatformDetails !== 'Windows').ImageId;
  const provisioner = new taskcluster.AwsProvisioner({
    baseUrl: endpoints.api, credentials: { clientId: 'root', accessToken: read('root-access-token') },
  });
  const entry = { launchSpec: {}, secrets: {}, userData: {}, scopes: [] };
  await provisioner.createWorkerType('demo', {
    launchSpec: {}, userData: { hello: 'world' }, secrets: {}, scopes: [], description: 'Demo worker type', owner: 'you@example.com',
    minCapacity: 0, maxCapacity: 5, scalingRatio: 0, minPrice: 0, maxPrice: 1, canUseSpot: true, canUseOndemand: true,
    instanceTypes: [{ ...entry, instanceType: 'm5.large', capacity: 1, utility: 1 }],
    regions: [{ ...entry, region, launchSpec: { ImageId: ami } }],
  });
  const url = `${endpoints.queue}/api/queue/v1/pending/${endpoints.provisionerId}/demo`;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pendingTasks: 3 }) });
  if (!res.ok) throw new Error(`setting pending tasks failed: ${res.status} ${await res.text()}`);
  process.stdout.write(`Created worker type "demo" (AMI ${ami} in ${region}) and set 3 pending tasks.\n`
    + 'Watch: the workflow worker-type/demo in the Temporal UI (http://localhost:8233), or\n'
    + `  curl -s ${endpoints.api}/state/demo\n`);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  process.exit(1);
});
