// A strict stand-in of the AWS Price List Query API's GetProducts, since no local AWS server
// has one. It speaks the wire protocol the SDK uses (AWS JSON 1.1: POST /, `X-Amz-Target:
// AWSPriceListService.GetProducts`, `Content-Type: application/x-amz-json-1.1`, SigV4 signed
// for the `pricing` service) and rejects, as AWS does, what the real service rejects: another
// target or content type, an unsigned request, a missing or unknown ServiceCode, malformed
// filters, a FormatVersion other than aws_v1, MaxResults outside 1-100, a NextToken it never
// issued. Answers are the real `PriceList` format: each entry a JSON *string* of a product
// document with `product.attributes` and `terms.OnDemand` (and `terms.Reserved`, which
// on-demand readers must ignore), split into pages of `pageSize` with a NextToken.
//
// The catalogue holds, for each configured (region, type), its Linux shared-tenancy product
// plus decoys the documented filters must exclude (Windows, dedicated tenancy, unused
// capacity reservations, pre-installed SQL). Faults: the next N calls can answer an error as
// the service does (ThrottlingException: HTTP 400, `__type`).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export interface CatalogueEntry {
  region: string;
  instanceType: string;
  /** Hourly USD price of each matching product (several: several pages with a small page size). */
  usdPerHour: number | number[];
}

export interface PricingStandIn {
  url: string;
  setPrices(entries: CatalogueEntry[]): void;
  /** The next `times` calls answer `code` (HTTP 400 unless `status`), e.g. ThrottlingException. */
  failNext(times: number, code?: string, status?: number): void;
  /** Every GetProducts request body accepted so far (rejected ones are in `rejected`). */
  readonly requests: GetProductsRequest[];
  /** Why each refused request was refused (injected faults aside); tests may clear it. */
  readonly rejected: string[];
  /** Calls answered with an injected fault. */
  faulted(): number;
  close(): Promise<void>;
}

export interface GetProductsRequest {
  ServiceCode: string;
  Filters?: Array<{ Type: string; Field: string; Value: string }>;
  FormatVersion?: string;
  NextToken?: string;
  MaxResults?: number;
}

type Attributes = Record<string, string>;
interface Product { sku: string; attributes: Attributes; usdPerHour: number }

const FILTER_TYPES = ['TERM_MATCH', 'EQUALS', 'CONTAINS', 'ANY_OF', 'NONE_OF'];
const REQUEST_KEYS = ['ServiceCode', 'Filters', 'FormatVersion', 'NextToken', 'MaxResults'];
/** Credential scope of SigV4: <key>/<yyyymmdd>/<region>/pricing/aws4_request. */
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/(us-east-1|eu-central-1|ap-south-1)\/pricing\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

class ServiceError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly injected = false) { super(message); }
}

function productsFor(entries: CatalogueEntry[]): Product[] {
  return entries.flatMap((e) => {
    const prices = Array.isArray(e.usdPerHour) ? e.usdPerHour : [e.usdPerHour];
    const base: Attributes = {
      servicecode: 'AmazonEC2', regionCode: e.region, instanceType: e.instanceType, operatingSystem: 'Linux', tenancy: 'Shared',
      preInstalledSw: 'NA', capacitystatus: 'Used', licenseModel: 'No License required', operation: 'RunInstances', usagetype: `BoxUsage:${e.instanceType}`,
    };
    const sku = () => randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    const top = Math.max(...prices);
    return [
      ...prices.map((usdPerHour, i) => ({ sku: sku(), attributes: { ...base, marketoption: i === 0 ? 'OnDemand' : `Variant${i}` }, usdPerHour })),
      { sku: sku(), attributes: { ...base, operatingSystem: 'Windows', operation: 'RunInstances:0002' }, usdPerHour: top * 2 },
      { sku: sku(), attributes: { ...base, tenancy: 'Dedicated' }, usdPerHour: top * 1.1 },
      { sku: sku(), attributes: { ...base, capacitystatus: 'UnusedCapacityReservation' }, usdPerHour: top * 0.9 },
      { sku: sku(), attributes: { ...base, preInstalledSw: 'SQL Std' }, usdPerHour: top * 3 },
    ];
  });
}

/** The product document of the real price list (aws_v1), as the JSON string GetProducts returns. */
function document(p: Product): string {
  const term = (code: string, dims: Record<string, unknown>) => ({ [`${p.sku}.${code}`]: {
    offerTermCode: code, sku: p.sku, effectiveDate: '2026-11-01T00:00:00Z', termAttributes: {}, priceDimensions: dims,
  } });
  const dim = (code: string, rate: string, unit: string, usd: string) => ({ [`${p.sku}.${code}.${rate}`]: {
    rateCode: `${p.sku}.${code}.${rate}`, unit, beginRange: '0', endRange: 'Inf', appliesTo: [],
    description: `$${usd} per On Demand ${p.attributes.operatingSystem} ${p.attributes.instanceType} Instance Hour`, pricePerUnit: { USD: usd },
  } });
  return JSON.stringify({
    product: { productFamily: 'Compute Instance', attributes: p.attributes, sku: p.sku },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: term('JRTCKXETXF', dim('JRTCKXETXF', '6YS6EN2CT7', 'Hrs', p.usdPerHour.toFixed(10))),
      Reserved: { ...term('38NPMPTW36', { ...dim('38NPMPTW36', '2TG2D8R56U', 'Quantity', '500'), ...dim('38NPMPTW36', '6YS6EN2CT7', 'Hrs', (p.usdPerHour / 10).toFixed(10)) }) },
    },
    version: '20261101000000', publicationDate: '2026-11-01T00:00:00Z',
  });
}

function matches(attributes: Attributes, filter: { Type: string; Field: string; Value: string }): boolean {
  const value = attributes[filter.Field];
  const list = filter.Value.split(',');
  switch (filter.Type) {
    case 'TERM_MATCH': case 'EQUALS': return value === filter.Value;
    case 'CONTAINS': return value !== undefined && value.includes(filter.Value);
    case 'ANY_OF': return value !== undefined && list.includes(value);
    default: return value === undefined || !list.includes(value);
  }
}

function validate(body: unknown): GetProductsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ServiceError('SerializationException', 'body must be a JSON object');
  const req = body as Record<string, unknown>;
  const unknown = Object.keys(req).filter((k) => !REQUEST_KEYS.includes(k));
  if (unknown.length > 0) throw new ServiceError('SerializationException', `Unknown members: ${unknown.join(', ')}`);
  if (typeof req.ServiceCode !== 'string' || req.ServiceCode === '') throw new ServiceError('InvalidParameterException', 'ServiceCode is required');
  if (req.ServiceCode !== 'AmazonEC2') throw new ServiceError('NotFoundException', `Service ${req.ServiceCode} not found`);
  if (req.FormatVersion !== undefined && req.FormatVersion !== 'aws_v1') throw new ServiceError('InvalidParameterException', 'FormatVersion must be aws_v1');
  if (req.MaxResults !== undefined && (!Number.isInteger(req.MaxResults) || (req.MaxResults as number) < 1 || (req.MaxResults as number) > 100)) {
    throw new ServiceError('InvalidParameterException', 'MaxResults must be between 1 and 100');
  }
  if (req.Filters !== undefined) {
    if (!Array.isArray(req.Filters)) throw new ServiceError('SerializationException', 'Filters must be a list');
    for (const f of req.Filters as Array<Record<string, unknown>>) {
      if (!FILTER_TYPES.includes(f?.Type as string)) throw new ServiceError('InvalidParameterException', `Filter Type must be one of ${FILTER_TYPES.join(', ')}`);
      if (typeof f.Field !== 'string' || f.Field === '' || typeof f.Value !== 'string') throw new ServiceError('InvalidParameterException', 'Filter Field and Value are required strings');
    }
  }
  return req as unknown as GetProductsRequest;
}

export async function startPricingStandIn(options: { pageSize?: number } = {}): Promise<PricingStandIn> {
  const pageSize = options.pageSize ?? 100;
  let products: Product[] = [];
  /** Issued tokens: the query they continue (its JSON) and the offset of the next page. */
  const tokens = new Map<string, { query: string; offset: number }>();
  const requests: GetProductsRequest[] = [];
  const rejected: string[] = [];
  let faults: { times: number; code: string; status: number } = { times: 0, code: '', status: 400 };
  let faulted = 0;

  function answer(req: GetProductsRequest): Record<string, unknown> {
    const query = JSON.stringify({ s: req.ServiceCode, f: req.Filters ?? [], v: req.FormatVersion ?? 'aws_v1' });
    let offset = 0;
    if (req.NextToken !== undefined) {
      const t = tokens.get(req.NextToken);
      if (!t || t.query !== query) throw new ServiceError('InvalidNextTokenException', 'The NextToken is invalid for this query');
      offset = t.offset;
    }
    const found = products.filter((p) => (req.Filters ?? []).every((f) => matches(p.attributes, f)));
    const size = Math.min(req.MaxResults ?? 100, pageSize);
    const page = found.slice(offset, offset + size);
    const result: Record<string, unknown> = { FormatVersion: 'aws_v1', PriceList: page.map(document) };
    if (offset + size < found.length) {
      const token = randomUUID();
      tokens.set(token, { query, offset: offset + size });
      result.NextToken = token;
    }
    return result;
  }

  const server = http.createServer((request, response) => {
    const reply = (status: number, body: unknown, errorType?: string) => {
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(),
        ...(errorType ? { 'x-amzn-errortype': `${errorType}:` } : {}),
      });
      response.end(JSON.stringify(body));
    };
    void readBody(request).catch(() => '').then((raw) => {
      try {
        if (request.method !== 'POST' || request.url !== '/') throw new ServiceError('UnknownOperationException', 'POST / only', 404);
        if (request.headers['x-amz-target'] !== 'AWSPriceListService.GetProducts') throw new ServiceError('UnknownOperationException', `unsupported target ${String(request.headers['x-amz-target'])}`);
        if (request.headers['content-type'] !== 'application/x-amz-json-1.1') throw new ServiceError('SerializationException', 'content type must be application/x-amz-json-1.1');
        if (!SIGV4.test(String(request.headers.authorization ?? ''))) throw new ServiceError('MissingAuthenticationTokenException', 'Missing or malformed SigV4 Authorization', 403);
        if (!request.headers['x-amz-date']) throw new ServiceError('IncompleteSignatureException', 'X-Amz-Date is required', 403);
        let parsed: unknown;
        try { parsed = JSON.parse(raw); } catch { throw new ServiceError('SerializationException', 'body is not JSON'); }
        const req = validate(parsed);
        if (faults.times > 0) {
          faults.times--;
          faulted++;
          throw new ServiceError(faults.code, faults.code === 'ThrottlingException' ? 'Rate exceeded' : `${faults.code} (injected)`, faults.status, true);
        }
        const body = answer(req);
        requests.push(req);
        reply(200, body);
      } catch (err) {
        const e = err instanceof ServiceError ? err : new ServiceError('InternalErrorException', 'internal error', 500);
        if (!e.injected) rejected.push(`${e.code}: ${e.message}`);
        reply(e.status, { __type: e.code, Message: e.message }, e.code);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setPrices: (entries) => { products = productsFor(entries); tokens.clear(); },
    failNext: (times, code = 'ThrottlingException', status = 400) => { faults = { times, code, status }; },
    requests, rejected,
    faulted: () => faulted,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
