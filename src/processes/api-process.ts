// The API role: the Koa app on PORT, talking to PostgreSQL, Temporal (to start and signal
// workflows) and EC2 (only to check AMIs and security groups of definitions).
import { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PrismaClient } from '../generated/prisma/client';
import { createEc2Clients, ec2OptionsFor } from '../aws/ec2-clients';
import { createEc2Gateway } from '../aws/ec2-gateway';
import { buildServices, startApiServer, type RunningApi } from '../api/server';
import { lazyClient } from '../temporal/connection';
import { createWorkflowControl, type WorkflowControl } from '../temporal/workflow-control';

/** A Temporal client that connects on first use, so the API starts (and answers 503s) while Temporal is down. */
function lazyWorkflowControl(config: Config): { control: WorkflowControl; close(): Promise<void> } {
  const connection = lazyClient(config.temporal);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { control: createWorkflowControl(client, { allowedRegions: config.allowedRegions, ...config.timing }), close: () => connection.close() };
}

export async function startApiProcess(config: Config, db: PrismaClient, logger: Logger): Promise<RunningApi & { stopAll(): Promise<void> }> {
  const temporal = lazyWorkflowControl(config);
  const ec2 = createEc2Gateway(createEc2Clients(ec2OptionsFor(config)));
  const api = await startApiServer(buildServices(config, db, logger, { workflows: temporal.control, ec2 }), config.port);
  // The API closes first: requests in flight may still signal workflows.
  const stopAll = async () => {
    logger.info('API stops accepting connections; finishing requests in flight');
    await api.close();
    await temporal.close();
  };
  return { ...api, stopAll };
}
