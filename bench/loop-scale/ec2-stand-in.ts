// EC2 as the region loops of idle worker types see it, served over HTTP to the worker
// process (AWS_ENDPOINT_URL_EC2), so the worker runs its real SDK clients and parsers and
// spends what it would against AWS. An account with no instances: DescribeInstances
// answers no reservations, DescribeAvailabilityZones three zones per region and
// DescribeSpotPriceHistory a price for each type asked, stamped now. Strict: a region
// outside `regions`, a DescribeInstances without the provisioner's Owner filter, or any
// other action is answered with EC2's error and counted in `refused` (idle loops make none).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorReply, listParam, spotPriceReply, type Reply } from '../../test/support/ec2-proxy-replies';
import { readBody, regionOf } from '../../test/support/ec2-proxy';

export interface Ec2StandIn {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Answered calls by action. */
  calls: Record<string, number>;
  /** Refused calls by `action: reason`. */
  refused: Record<string, number>;
  close(): Promise<void>;
}

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const XML_HEADERS = { 'content-type': 'text/xml;charset=UTF-8' };
const ZONES = ['a', 'b', 'c'];

function xmlReply(action: string, inner: string): Reply {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACE}">`
    + `<requestId>${randomUUID()}</requestId>${inner}</${action}Response>`;
  return { status: 200, headers: XML_HEADERS, body: Buffer.from(body) };
}

function zonesReply(region: string): Reply {
  const items = ZONES.map((z, i) => `<item><zoneName>${region}${z}</zoneName><zoneState>available</zoneState>`
    + `<regionName>${region}</regionName><zoneId>${region}-az${i + 1}</zoneId><zoneType>availability-zone</zoneType>`
    + '<optInStatus>opt-in-not-required</optInStatus></item>').join('');
  return xmlReply('DescribeAvailabilityZones', `<availabilityZoneInfo>${items}</availabilityZoneInfo>`);
}

/** The filters of a query-protocol request, `Filter.N.Name` / `Filter.N.Value.M`, by name. */
function filtersOf(params: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) filters.set(params.get(`Filter.${i}.Name`)!, listParam(params, `Filter.${i}.Value`));
  return filters;
}

/** A spot price for every instance type asked, in every zone: 0.05 USD an hour. */
function pricesReply(region: string, params: URLSearchParams): Reply {
  const fixtures = listParam(params, 'InstanceType').flatMap((instanceType) =>
    ZONES.map((z) => ({ region, zone: `${region}${z}`, instanceType, price: 0.05 })));
  return spotPriceReply(fixtures, region, params);
}

function answer(action: string, region: string, params: URLSearchParams, ownerTag: string): Reply | string {
  if (action === 'DescribeAvailabilityZones') return zonesReply(region);
  if (action === 'DescribeSpotPriceHistory') {
    return listParam(params, 'InstanceType').length === 0 ? 'no instance types asked' : pricesReply(region, params);
  }
  if (action === 'DescribeInstances') {
    // Without the Owner filter EC2 would describe the whole account: a bug in the caller.
    if (!filtersOf(params).get('tag:Owner')?.includes(ownerTag)) return 'no tag:Owner filter of this provisioner';
    return xmlReply('DescribeInstances', '<reservationSet/>');
  }
  return 'not an action of idle loops';
}

export async function startEc2StandIn(regions: readonly string[], provisionerId: string): Promise<Ec2StandIn> {
  const calls: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const handle = async (req: http.IncomingMessage): Promise<Reply> => {
    const params = new URLSearchParams((await readBody(req)).toString('utf8'));
    const action = params.get('Action') ?? '';
    const region = regionOf(req.headers, params);
    const reply = regions.includes(region) ? answer(action, region, params, provisionerId) : `region ${region} not allowed`;
    if (typeof reply !== 'string') {
      calls[action] = (calls[action] ?? 0) + 1;
      return reply;
    }
    const key = `${action}: ${reply}`;
    refused[key] = (refused[key] ?? 0) + 1;
    return errorReply(action ? 'UnauthorizedOperation' : 'InvalidAction', `bench EC2 stand-in: ${reply}`);
  };
  const server = http.createServer((req, res) => {
    handle(req).then(
      (reply) => res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length }).end(reply.body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls, refused,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
