// EC2 query-protocol answers the test proxy makes up itself: error bodies and spot price
// history, in the XML shapes EC2 (and so the SDK's parser) uses.
import { randomUUID } from 'node:crypto';

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface SpotPriceFixture {
  region: string;
  zone: string;
  instanceType: string;
  /** USD per instance-hour */
  price: number;
}

const XML_HEADERS = { 'content-type': 'text/xml;charset=UTF-8' };
const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTTP status EC2 uses for a code: its "server" codes are 5xx, throttling is 503. */
export function defaultStatus(code: string): number {
  if (code === 'RequestLimitExceeded' || code === 'Unavailable' || code === 'ServiceUnavailable') return 503;
  if (code.startsWith('Insufficient') || code === 'InternalError') return 500;
  return 400;
}

export function errorReply(code: string, message: string, status = defaultStatus(code)): Reply {
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>`
    + `<RequestID>${randomUUID()}</RequestID></Response>`;
  return { status, headers: XML_HEADERS, body: Buffer.from(body) };
}

/** Values of a query-protocol list parameter: `InstanceType.1`, `InstanceType.2`, ... */
export function listParam(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${name}.${i}`); i++) values.push(params.get(`${name}.${i}`) ?? '');
  return values;
}

function matchingPrices(fixtures: readonly SpotPriceFixture[], region: string, params: URLSearchParams): SpotPriceFixture[] {
  const types = listParam(params, 'InstanceType');
  const products = listParam(params, 'ProductDescription');
  const zone = params.get('AvailabilityZone');
  if (products.length > 0 && !products.includes('Linux/UNIX')) return [];
  return fixtures.filter((f) => f.region === region
    && (types.length === 0 || types.includes(f.instanceType))
    && (!zone || zone === f.zone));
}

function priceItem(f: SpotPriceFixture, timestamp: string): string {
  return `<item><instanceType>${escapeXml(f.instanceType)}</instanceType><productDescription>Linux/UNIX</productDescription>`
    + `<spotPrice>${f.price.toFixed(6)}</spotPrice><timestamp>${timestamp}</timestamp>`
    + `<availabilityZone>${escapeXml(f.zone)}</availabilityZone></item>`;
}

/**
 * DescribeSpotPriceHistory answered from `fixtures`, all stamped now. Honours InstanceType.N,
 * ProductDescription.N, AvailabilityZone, MaxResults and NextToken (an offset).
 */
export function spotPriceReply(fixtures: readonly SpotPriceFixture[], region: string, params: URLSearchParams): Reply {
  const all = matchingPrices(fixtures, region, params);
  const start = Number(params.get('NextToken') ?? 0) || 0;
  const pageSize = Number(params.get('MaxResults') ?? 1000) || 1000;
  const page = all.slice(start, start + pageSize);
  const next = start + pageSize < all.length ? `<nextToken>${start + pageSize}</nextToken>` : '';
  const timestamp = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="${NAMESPACE}">`
    + `<requestId>${randomUUID()}</requestId><spotPriceHistorySet>${page.map((f) => priceItem(f, timestamp)).join('')}`
    + `</spotPriceHistorySet>${next}</DescribeSpotPriceHistoryResponse>`;
  return { status: 200, headers: XML_HEADERS, body: Buffer.from(body) };
}
