// Launching one instance. Idempotent by construction: the ClientToken comes from the
// workflow, the ledger reservation and the secret are keyed by it, and the security token
// is derived from it, so a retried attempt sends EC2 exactly the same request and EC2
// returns the instance of the first attempt instead of launching a second one.
import { log } from '@temporalio/activity';
import { Ec2Error } from '../src/aws/errors';
import { isRetryable } from '../src/domain/failure-kinds';
import { launchSpecWithUserData } from '../src/aws/user-data';
import { buildLaunchSpec } from '../src/domain/launch-spec';
import { launchBid, spotMaxPrice, type Offering } from '../src/domain/offerings';
import { derivedSlugid } from '../src/slugid';
import { instanceTags } from '../src/domain/instance-tags';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './failures';
import { withHeartbeat } from './heartbeat';

export interface LaunchRequest { workerType: string; clientToken: string; offering: Offering }

export type LaunchOutcome =
  | { outcome: 'launched'; instanceId: string; zone: string }
  | { outcome: 'capacity'; code: string }
  | { outcome: 'invalid'; code: string; message: string }
  | { outcome: 'skipped'; reason: string };

export function launchActivities(deps: ActivityDeps) {
  const { ledger, secrets, workerTypes, history } = deps.repos;

  return {
    /** Heartbeats throughout (LOOP_LAUNCH.heartbeatTimeout): a dead worker's launch is retried within seconds. */
    async launchInstance(req: LaunchRequest): Promise<LaunchOutcome> {
      return withHeartbeat(() => launch(req));
    },
  };

  async function launch(req: LaunchRequest): Promise<LaunchOutcome> {
    const { offering, clientToken, workerType } = req;
    const found = await workerTypes.getForLaunch(workerType);
    if (!found) return { outcome: 'skipped', reason: 'worker type removed' };
    const bid = launchBid(offering);
    // The ledger's price is what EC2 may charge at most per hour: the spot MaxPrice, or the on-demand price.
    const reservation = await ledger.reserve({
      clientToken, workerType, region: offering.region, zone: offering.zone, instanceType: offering.instanceType,
      capacity: offering.capacity, market: offering.market, price: bid.price, generation: found.generation,
    }, deps.now());
    if (reservation.instanceId && reservation.state !== 'terminated') {
      // A retry after the first attempt launched: the history write is idempotent (by ClientToken).
      await history.recordLaunch(workerType, { ...offering, zone: reservation.zone, instanceId: reservation.instanceId, clientToken }, deps.now());
      return { outcome: 'launched', instanceId: reservation.instanceId, zone: reservation.zone };
    }
    const securityToken = derivedSlugid(deps.tokenKey, `security-token:${clientToken}`);
    const built = buildLaunchSpec(found.workerType, bid, {
      provisionerId: deps.settings.provisionerId, provisionerBaseUrl: deps.settings.provisionerBaseUrl,
      rootUrl: deps.settings.rootUrl, securityToken, now: reservation.launched.toISOString(),
    });
    if (!built.ok) {
      await ledger.recordLaunchFailed(clientToken, 'invalid launch specification');
      deps.metrics.launchFailures.inc({ worker_type: workerType, code: 'InvalidLaunchSpecifications' });
      return { outcome: 'invalid', code: 'InvalidLaunchSpecifications', message: built.reasons.join('; ') };
    }
    const expiration = new Date(reservation.launched.getTime() + deps.settings.secretLifetimeMs);
    await secrets.createForLaunch(securityToken, { workerType, secrets: built.launchInfo.secrets, scopes: [] }, expiration, clientToken);
    return runInstance(req, launchSpecWithUserData(built.launchInfo), securityToken);
  }

  async function runInstance(req: LaunchRequest, launchSpec: Record<string, unknown>, securityToken: string): Promise<LaunchOutcome> {
    const { offering, clientToken, workerType } = req;
    try {
      const launched = await deps.ec2.runInstance({
        region: offering.region, clientToken, launchSpec, market: offering.market,
        maxPrice: spotMaxPrice(offering),
        tags: instanceTags(deps.settings.provisionerId, workerType),
      });
      await ledger.recordLaunched(clientToken, { ...launched, imageId: String(launchSpec.ImageId ?? '') });
      deps.metrics.launches.inc({ worker_type: workerType, region: offering.region, instance_type: offering.instanceType, market: offering.market });
      await history.recordLaunch(workerType, { ...offering, zone: launched.zone, instanceId: launched.instanceId, clientToken }, deps.now());
      log.info('instance launched', { workerType, instanceId: launched.instanceId, region: offering.region, zone: launched.zone, instanceType: offering.instanceType, market: offering.market });
      return { outcome: 'launched', instanceId: launched.instanceId, zone: launched.zone };
    } catch (err) {
      if (!(err instanceof Ec2Error)) throw err;
      // Throttled and transient: the retry sends the same request with the same ClientToken.
      if (isRetryable(err.kind)) throw toActivityFailure(err);
      if (err.code === 'IdempotentParameterMismatch') {
        // An earlier attempt of this very launch reached EC2 with other parameters (the definition
        // changed in between): its instance may exist, so the reservation and secret stay and the
        // inventory matches the instance by its ClientToken.
        return { outcome: 'skipped', reason: 'an earlier attempt of this launch already reached EC2' };
      }
      await ledger.recordLaunchFailed(clientToken, `launch failed: ${err.code}`);
      await secrets.remove(securityToken);
      deps.metrics.launchFailures.inc({ worker_type: workerType, code: err.code });
      if (err.kind === 'capacity') return { outcome: 'capacity', code: err.code };
      return { outcome: 'invalid', code: err.code, message: err.message };
    }
  }
}
